//! Lowering: an evaluated patch (outputs as `Sig` trees) to a [`Graph`].
//!
//! The walk is depth-first from each output, so every node comes after its inputs.
//! A `Sig` reached twice through the same `Arc` (a bus used in two places) becomes
//! one node. A bus that reads itself becomes a [`Op::Feedback`] node whose input is
//! the bus's own node, resolved once the bus has been lowered.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::diag::SrcSpan;
use crate::eval::{Evaluated, EvaluatedVoice, Sig, SoundVal, Val};
use crate::ir::voice::{self, VoiceDef, VoiceParam};
use crate::ir::op::Channels;
use crate::ir::{
    Graph, Node, NodeId, NodeKind, Op, Operand, PatternSource, SampledInput, SoundSource,
};
use crate::pattern::value::{NumOp, Value};
use crate::pattern::Pattern;
use crate::signature::ParamTy;

/// Something in an evaluated patch that has no signal meaning (a function where a
/// signal is expected, say). The checker rejects these first; this is the backstop.
#[derive(Clone, Debug, PartialEq)]
pub struct LowerError {
    pub message: String,
    pub span: Option<SrcSpan>,
}

impl fmt::Display for LowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl LowerError {
    fn new(message: impl Into<String>, span: Option<SrcSpan>) -> LowerError {
        LowerError {
            message: message.into(),
            span,
        }
    }
}

type Result<T> = std::result::Result<T, LowerError>;

/// Lowers an evaluated patch to its signal graph.
pub fn lower(ev: &Evaluated) -> Result<Graph> {
    // Each bus's value, to name the nodes that hold it: a signal by the address of
    // its `Arc` (the lowering meets that `Arc` itself), a pattern or sound by its
    // pattern (every reading of the bus clones that pattern).
    let mut signal_buses = HashMap::new();
    let mut value_buses = Vec::new();
    for (name, value) in &ev.buses {
        let span = ev.bus_spans.get(name).copied();
        match value {
            Val::Signal(sig) => {
                signal_buses.insert(Arc::as_ptr(sig), name.clone());
            }
            Val::Pat(p) => value_buses.push((name.clone(), p.clone(), span)),
            Val::Sound(s) => value_buses.push((name.clone(), s.pattern.clone(), span)),
            Val::Num(_) | Val::Func(_) | Val::List(_) | Val::Tuple(_) => {}
        }
    }
    let mut l = Lowerer::new(ev, signal_buses, value_buses, None);
    let mut outputs = Vec::with_capacity(ev.outputs.len());
    for (name, sig) in &ev.outputs {
        let op = l.sig(sig)?;
        outputs.push((name.clone(), op));
    }
    l.resolve_feedback()?;
    let master = l.push(
        Op::Master,
        outputs.iter().map(|(_, op)| *op).collect(),
        None,
    );
    // In source order (the order of the definitions).
    let mut buses = l.buses;
    buses.sort_by_key(|(name, op)| {
        let at = ev.bus_spans.get(name).map_or(usize::MAX, |s| s.start);
        (at, op_key(*op))
    });
    let mut graph = Graph {
        nodes: l.nodes,
        outputs,
        buses,
        master,
        patterns: l.patterns,
        sounds: l.sounds,
        voices: ev.voices.iter().map(|v| lower_voice(ev, v)).collect::<Result<_>>()?,
        cps: ev.cps,
        limit: ev.limit,
    };
    infer_channels(&mut graph);
    Ok(graph)
}

/// Lowers a voice definition to the graph of one voice.
fn lower_voice(ev: &Evaluated, v: &EvaluatedVoice) -> Result<VoiceDef> {
    let params = v
        .params
        .iter()
        .map(|(name, default)| VoiceParam {
            name: name.clone(),
            default: *default as f32,
        })
        .collect::<Vec<_>>();
    let scope = VoiceScope {
        gate: params.iter().position(|p| p.name == voice::GATE),
        onset: params.len(),
        nodes: vec![None; params.len() + 1],
    };
    let mut l = Lowerer::new(ev, HashMap::new(), Vec::new(), Some(scope));
    let sound = l.sig(&v.body)?;
    let master = l.push(Op::Master, vec![sound], None);
    let mut graph = Graph {
        nodes: l.nodes,
        outputs: vec![(format!("~{}", v.name), sound)],
        buses: Vec::new(),
        master,
        patterns: Vec::new(),
        sounds: Vec::new(),
        voices: Vec::new(),
        cps: ev.cps,
        limit: false,
    };
    infer_channels(&mut graph);
    Ok(VoiceDef {
        name: v.name.clone(),
        params,
        graph,
        span: Some(v.span),
    })
}

/// Lowering inside a voice's body: its parameters' nodes.
struct VoiceScope {
    gate: Option<usize>,
    onset: usize,
    /// The `param` node of each parameter, once made.
    nodes: Vec<Option<Operand>>,
}

/// What a voice's body cannot hold, with why.
fn outside_voice(what: &str, span: SrcSpan) -> LowerError {
    LowerError::new(
        format!(
            "a voice is computed on its own for each event, so {what} cannot be part of it; \
             give the value as a parameter (`~name cutoff=800: ...`, set by `# cutoff \"...\"`)"
        ),
        Some(span),
    )
}

/// Orders operands: nodes by number, then constants.
fn op_key(op: Operand) -> usize {
    match op {
        Operand::Node(id) => id,
        Operand::Const(_) => usize::MAX,
    }
}

struct Lowerer<'a> {
    ev: &'a Evaluated,
    /// The buses whose value is a signal, by the address of its `Arc`.
    signal_buses: HashMap<*const Sig, String>,
    /// The buses whose value is a pattern or a sound: name, pattern, definition.
    value_buses: Vec<(String, Pattern<Value>, Option<SrcSpan>)>,
    /// The buses found so far: name and the operand holding the value.
    buses: Vec<(String, Operand)>,
    nodes: Vec<Node>,
    patterns: Vec<PatternSource>,
    sounds: Vec<SoundSource>,
    /// Signals already lowered, by the address of their `Arc`.
    memo: HashMap<*const Sig, Operand>,
    /// Feedback nodes waiting for their bus: node, bus name.
    pending: Vec<(NodeId, String)>,
    next_seed: u32,
    /// Set while lowering a voice's body.
    voice: Option<VoiceScope>,
}

impl<'a> Lowerer<'a> {
    fn new(
        ev: &'a Evaluated,
        signal_buses: HashMap<*const Sig, String>,
        value_buses: Vec<(String, Pattern<Value>, Option<SrcSpan>)>,
        voice: Option<VoiceScope>,
    ) -> Lowerer<'a> {
        Lowerer {
            ev,
            signal_buses,
            value_buses,
            buses: Vec::new(),
            nodes: Vec::new(),
            patterns: Vec::new(),
            sounds: Vec::new(),
            memo: HashMap::new(),
            pending: Vec::new(),
            next_seed: 0,
            voice,
        }
    }

    fn push(&mut self, op: Op, inputs: Vec<Operand>, span: Option<SrcSpan>) -> NodeId {
        self.nodes.push(Node {
            op,
            inputs,
            channels: 1,
            span,
        });
        self.nodes.len() - 1
    }

    fn node(&mut self, op: Op, inputs: Vec<Operand>, span: Option<SrcSpan>) -> Operand {
        Operand::Node(self.push(op, inputs, span))
    }

    fn sig(&mut self, sig: &Arc<Sig>) -> Result<Operand> {
        let key = Arc::as_ptr(sig);
        if let Some(op) = self.memo.get(&key) {
            return Ok(*op);
        }
        if matches!(&**sig, Sig::Binary { .. } | Sig::Neg(..)) {
            self.arithmetic_below(sig)?;
        }
        self.sig_node(sig)
    }

    /// Lowers the arithmetic (`Binary`, `Neg`) below `root` without recursing along it
    /// (a chain of buses `~b1: ~b0 * 0.99` is a chain of `Binary` as deep as the
    /// chain): a post-order walk with an explicit stack, in the order the recursion of
    /// [`Self::sig_node`] visits them (left, right, then the node), so the nodes come
    /// out in the same order. Each node found lowered after its operands, `sig_node`
    /// looks them up in the memo.
    fn arithmetic_below(&mut self, root: &Arc<Sig>) -> Result<()> {
        // (node, operands done): a node is lowered when it is popped the second time.
        let mut stack: Vec<(Arc<Sig>, bool)> = vec![(root.clone(), false)];
        while let Some((s, done)) = stack.pop() {
            if self.memo.contains_key(&Arc::as_ptr(&s)) {
                continue;
            }
            match (&*s, done) {
                (Sig::Binary { left, right, .. }, false) => {
                    let (left, right) = (left.clone(), right.clone());
                    stack.push((s, true));
                    stack.push((right, false));
                    stack.push((left, false));
                }
                (Sig::Neg(x, _), false) => {
                    let x = x.clone();
                    stack.push((s, true));
                    stack.push((x, false));
                }
                _ => {
                    self.sig_node(&s)?;
                }
            }
        }
        Ok(())
    }

    fn sig_node(&mut self, sig: &Arc<Sig>) -> Result<Operand> {
        let key = Arc::as_ptr(sig);
        if let Some(op) = self.memo.get(&key) {
            return Ok(*op);
        }
        let op = match &**sig {
            Sig::Const(x) => Operand::Const(*x as f32),
            Sig::Param(index, span) => self.param(*index, *span)?,
            Sig::Pattern(_, span) if self.voice.is_some() => {
                return Err(outside_voice("a pattern", *span))
            }
            Sig::Sound(_, span) if self.voice.is_some() => {
                return Err(outside_voice("a sound", *span))
            }
            Sig::Pattern(p, span) => self.stepped(p.clone(), *span),
            Sig::Sound(sound, span) => self.voices(sound, *span)?,
            Sig::Bus(_) if self.voice.is_some() => {
                return Err(LowerError::new("a voice cannot read a bus", None))
            }
            Sig::Bus(name) => {
                let id = self.push(Op::Feedback, vec![Operand::Const(0.0)], None);
                self.pending.push((id, name.clone()));
                Operand::Node(id)
            }
            Sig::Builtin {
                op,
                args,
                arg_spans,
                input,
                span,
            } => self.builtin(*op, (args, arg_spans), input.as_ref(), *span)?,
            Sig::Binary {
                op,
                left,
                right,
                span,
            } => {
                let a = self.sig(left)?;
                let b = self.sig(right)?;
                let node_op = match op {
                    NumOp::Add => Op::Add,
                    NumOp::Sub => Op::Sub,
                    NumOp::Mul => Op::Mul,
                    NumOp::Div => Op::Div,
                    // The checker allows `|%` only between patterns.
                    NumOp::Mod => {
                        return Err(LowerError::new(
                            "`%` combines the events of patterns; a signal has none",
                            Some(*span),
                        ))
                    }
                    // `|<` and `>|` on signals keep one side's values.
                    NumOp::Left => return self.remember(key, a),
                    NumOp::Right => return self.remember(key, b),
                };
                self.node(node_op, vec![a, b], Some(*span))
            }
            Sig::Neg(x, span) => {
                let x = self.sig(x)?;
                self.node(Op::Neg, vec![x], Some(*span))
            }
        };
        self.remember(key, op)
    }

    fn remember(&mut self, key: *const Sig, op: Operand) -> Result<Operand> {
        self.memo.insert(key, op);
        if let Some(name) = self.signal_buses.get(&key) {
            self.buses.push((name.clone(), op));
        }
        Ok(op)
    }

    /// The bus whose value `pattern` is (a pattern or a sound bus): its name and
    /// where it is defined.
    fn value_bus(&self, pattern: &Pattern<Value>) -> Option<(String, Option<SrcSpan>)> {
        self.value_buses
            .iter()
            .find(|(_, p, _)| p.same(pattern))
            .map(|(name, _, span)| (name.clone(), *span))
    }

    /// A pattern read by the runtime. The pattern of a bus is shown with the text
    /// of its definition; `span` is where it is used.
    fn pattern(&mut self, pattern: Pattern<Value>, span: Option<SrcSpan>) -> usize {
        let span = match self.value_bus(&pattern) {
            Some((_, Some(definition))) => Some(definition),
            _ => span,
        };
        self.patterns.push(PatternSource { pattern, span });
        self.patterns.len() - 1
    }

    /// A `stepped` node reading `pattern`, named after its bus if it is one's value.
    fn stepped(&mut self, pattern: Pattern<Value>, span: SrcSpan) -> Operand {
        let bus = self.value_bus(&pattern);
        let index = self.pattern(pattern, Some(span));
        let op = self.node(Op::Stepped { pattern: index }, vec![], Some(span));
        if let Some((name, _)) = bus {
            self.buses.push((name, op));
        }
        op
    }

    fn voices(&mut self, sound: &SoundVal, span: SrcSpan) -> Result<Operand> {
        let mut inputs = Vec::with_capacity(sound.sampled.len());
        for s in &sound.sampled {
            inputs.push(self.sig(&s.signal)?);
        }
        let index = self.sounds.len();
        let node = self.push(Op::Voices { sound: index }, inputs, Some(span));
        // A sound bus's sound is shown (and its failures reported) at its definition.
        let bus = self.value_bus(&sound.pattern);
        let source_span = bus.as_ref().and_then(|(_, s)| *s).unwrap_or(span);
        if let Some((name, _)) = bus {
            self.buses.push((name, Operand::Node(node)));
        }
        self.sounds.push(SoundSource {
            pattern: sound.pattern.clone(),
            sampled: sound
                .sampled
                .iter()
                .map(|s| SampledInput { control: s.control })
                .collect(),
            node,
            span: Some(source_span),
        });
        Ok(Operand::Node(node))
    }

    /// The `param` node of a voice's parameter `index`.
    fn param(&mut self, index: usize, span: SrcSpan) -> Result<Operand> {
        let Some(scope) = self.voice.as_ref() else {
            return Err(LowerError::new("a parameter outside its voice", Some(span)));
        };
        if let Some(op) = scope.nodes.get(index).copied().flatten() {
            return Ok(op);
        }
        let op = self.node(Op::Param { index }, vec![], Some(span));
        if let Some(slot) = self.voice.as_mut().and_then(|s| s.nodes.get_mut(index)) {
            *slot = Some(op);
        }
        Ok(op)
    }

    /// Inside a voice, an envelope's trigger: a signal is its gate (for the kernels
    /// with a gate input; the others start at the voice's onset when given the
    /// voice's `gate`); left out, the voice's `gate` (or, without one, the gate held
    /// open: the voice lasts its length) and its onset.
    fn voice_events(
        &mut self,
        v: &Val,
        with_gate: bool,
        span: SrcSpan,
    ) -> Result<(Operand, Option<Operand>)> {
        let (gate, onset) = match &self.voice {
            Some(scope) => (scope.gate, scope.onset),
            None => (None, 0),
        };
        match v {
            Val::Signal(sig) if with_gate => Ok((Operand::Const(0.0), Some(self.sig(sig)?))),
            Val::Signal(sig) if matches!(&**sig, Sig::Param(i, _) if Some(*i) == gate) => {
                Ok((self.param(onset, span)?, None))
            }
            Val::Signal(_) => Err(LowerError::new(
                "in a voice, this envelope starts at the voice's onset: give it the voice's `gate`",
                Some(span),
            )),
            Val::Num(_) if with_gate => {
                let gate = match gate {
                    Some(g) => self.param(g, span)?,
                    None => Operand::Const(1.0),
                };
                Ok((Operand::Const(0.0), Some(gate)))
            }
            Val::Num(_) => Ok((self.param(onset, span)?, None)),
            Val::Pat(_) | Val::Sound(_) => Err(outside_voice("a pattern", span)),
            Val::Func(_) | Val::List(_) | Val::Tuple(_) => Err(LowerError::new(
                "an envelope is triggered by its voice's gate",
                Some(span),
            )),
        }
    }

    /// A value used as a signal argument.
    fn val(&mut self, v: &Val, span: SrcSpan) -> Result<Operand> {
        if self.voice.is_some() {
            match v {
                Val::Pat(_) => return Err(outside_voice("a pattern", span)),
                Val::Sound(_) => return Err(outside_voice("a sound", span)),
                _ => {}
            }
        }
        match v {
            Val::Num(n) => Ok(Operand::Const(n.value as f32)),
            Val::Pat(p) => Ok(self.stepped(p.clone(), span)),
            Val::Sound(s) => self.voices(s, span),
            Val::Signal(s) => self.sig(s),
            Val::Func(_) => Err(LowerError::new(
                "a function is used where a signal is expected",
                Some(span),
            )),
            Val::List(_) | Val::Tuple(_) => Err(LowerError::new(
                "a list is used where a signal is expected",
                Some(span),
            )),
        }
    }

    /// The trigger (and, when `with_gate`, the gate) of an envelope from its `trig`
    /// argument: a pattern's or a sound's events, or, for a number (the default), one
    /// event per cycle. (The checker only lets events through.)
    fn events(
        &mut self,
        v: &Val,
        with_gate: bool,
        span: SrcSpan,
    ) -> Result<(Operand, Option<Operand>)> {
        if self.voice.is_some() {
            return self.voice_events(v, with_gate, span);
        }
        let pattern = match v {
            Val::Num(_) => Pattern::pure(Value::Num(1.0)),
            Val::Pat(p) => p.clone(),
            Val::Sound(s) => s.pattern.clone(),
            Val::Signal(_) | Val::Func(_) | Val::List(_) | Val::Tuple(_) => {
                return Err(LowerError::new(
                    "an envelope is triggered by the events of a pattern, not by a signal",
                    Some(span),
                ))
            }
        };
        let index = self.pattern(pattern, Some(span));
        let trig = self.node(Op::Trigger { pattern: index }, vec![], Some(span));
        let gate = with_gate.then(|| self.node(Op::Gate { pattern: index }, vec![], Some(span)));
        Ok((trig, gate))
    }

    /// A signal operation with its arguments (in the order of its language
    /// parameters, the input apart): the input first, then the arguments, the
    /// trigger's events becoming the `trig` (and `gate`) inputs.
    fn builtin(
        &mut self,
        op: Op,
        (args, arg_spans): (&[Val], &[Option<SrcSpan>]),
        input: Option<&Arc<Sig>>,
        span: SrcSpan,
    ) -> Result<Operand> {
        let spec = op.spec();
        if self.voice.is_some() && spec.delay_lines {
            return Err(LowerError::new(
                format!(
                    "`{}` keeps delay lines, too large to keep for every voice: send the voice \
                     to its orbit's effects instead (`# room 0.3`, `# delay 0.5`)",
                    spec.name
                ),
                Some(span),
            ));
        }
        // Each noise node has its own deterministic seed.
        let op = match op {
            Op::Noise { .. } | Op::Pink { .. } | Op::Brown { .. } => {
                self.next_seed += 1;
                op.with_seed(self.next_seed.wrapping_mul(0x9E37_79B9))
            }
            _ => op,
        };
        let trig_at = spec
            .language
            .and_then(|l| l.params.iter().position(|p| p.ty == ParamTy::Events));
        let with_gate = op.input_names().is_some_and(|n| n.contains(&"gate"));
        let mut ops = Vec::with_capacity(args.len() + 2);
        if let Some(sig) = input {
            ops.push(self.sig(sig)?);
        }
        for (i, a) in args.iter().enumerate() {
            // A pattern argument's node shows the argument's own text where known.
            let at = arg_spans.get(i).copied().flatten().unwrap_or(span);
            if Some(i) == trig_at {
                let (trig, gate) = self.events(a, with_gate, at)?;
                ops.push(trig);
                ops.extend(gate);
            } else {
                ops.push(self.val(a, at)?);
            }
        }
        let expected = op.input_names().map_or(ops.len(), |names| names.len());
        if ops.len() != expected {
            return Err(LowerError::new(
                format!("`{}` was given the wrong number of arguments", spec.name),
                Some(span),
            ));
        }
        Ok(self.node(op, ops, Some(span)))
    }

    /// Points every feedback node at its bus, lowering buses reached only through
    /// feedback.
    fn resolve_feedback(&mut self) -> Result<()> {
        while let Some((id, name)) = self.pending.pop() {
            let Some(value) = self.ev.buses.get(&name) else {
                return Err(LowerError::new(format!("undefined bus `~{name}`"), None));
            };
            let value = value.clone();
            let span = self.nodes.get(id).and_then(|n| n.span);
            let source = self.val(&value, span.unwrap_or(SrcSpan::new(0, 0)))?;
            if let Some(node) = self.nodes.get_mut(id) {
                node.inputs = vec![source];
            }
        }
        Ok(())
    }
}

/// Sets every node's channel count; repeated until stable because a feedback node
/// takes the channels of a node that may come after it.
fn infer_channels(graph: &mut Graph) {
    loop {
        let mut changed = false;
        for i in 0..graph.nodes.len() {
            let node = &graph.nodes[i];
            let widest = node
                .inputs
                .iter()
                .map(|op| graph.channels_of(*op))
                .max()
                .unwrap_or(1);
            let channels = match node.op.spec().channels {
                Channels::Mono => 1,
                Channels::Stereo => 2,
                Channels::Widest => widest,
            };
            if channels != graph.nodes[i].channels {
                graph.nodes[i].channels = channels;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    debug_assert!(graph
        .nodes
        .iter()
        .all(|n| n.op.kind() != NodeKind::Master || n.channels == 2));
}
