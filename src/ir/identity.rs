//! TEMPORARY (replaced by the carry branch's matching before merge).
use super::{Graph, NodeId};
pub fn match_nodes(old: &Graph, new: &Graph) -> Vec<Option<NodeId>> {
    new.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| old.nodes.get(i).filter(|o| o.op == n.op).map(|_| i))
        .collect()
}
