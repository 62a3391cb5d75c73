//! Euclidean rhythms: Bjorklund's algorithm, as Tidal's `Sound.Tidal.Bjorklund`.

/// The Bjorklund distribution of `k` onsets over `n` steps, as Tidal computes it
/// (`bjorklund (3,8)` is `x..x..x.`). A negative `k` gives the complement (Tidal's
/// `_euclidBool` with a negative count); `k` beyond `n` is clamped.
pub fn bjorklund(k: i64, n: i64) -> Vec<bool> {
    if n <= 0 {
        return Vec::new();
    }
    let n = n.min(1 << 16);
    if k < 0 {
        return bjorklund(-k, n).into_iter().map(|b| !b).collect();
    }
    let k = k.min(n);
    // Tidal's formulation: pair up the lists of ones and zeros until at most one
    // remainder list is left.
    let mut a: Vec<Vec<bool>> = (0..k).map(|_| vec![true]).collect();
    let mut b: Vec<Vec<bool>> = (0..n - k).map(|_| vec![false]).collect();
    loop {
        if a.len().min(b.len()) <= 1 {
            break;
        }
        let pairs = a.len().min(b.len());
        let mut new_a = Vec::with_capacity(pairs);
        for i in 0..pairs {
            let mut x = a[i].clone();
            x.extend_from_slice(&b[i]);
            new_a.push(x);
        }
        let new_b = if a.len() > b.len() {
            a[pairs..].to_vec()
        } else {
            b[pairs..].to_vec()
        };
        a = new_a;
        b = new_b;
    }
    a.into_iter().chain(b).flatten().collect()
}

#[cfg(any(test, feature = "testing"))]
/// `bjorklund(k, n)` rotated LEFT by `rotation` steps, as Tidal's `euclidOff` and the
/// mini-notation's third argument do.
pub fn bjorklund_rotated(k: i64, n: i64, rotation: i64) -> Vec<bool> {
    let mut v = bjorklund(k, n);
    if !v.is_empty() {
        let r = rotation.rem_euclid(v.len() as i64) as usize;
        v.rotate_left(r);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(v: &[bool]) -> String {
        v.iter().map(|&b| if b { 'x' } else { '.' }).collect()
    }

    #[test]
    fn known_rhythms() {
        // From Toussaint's paper, "The Euclidean algorithm generates traditional
        // musical rhythms", as Tidal's documentation lists them.
        assert_eq!(show(&bjorklund(3, 8)), "x..x..x.");
        assert_eq!(show(&bjorklund(2, 5)), "x.x..");
        assert_eq!(show(&bjorklund(3, 4)), "xxx.");
        assert_eq!(show(&bjorklund(3, 5)), "x.x.x");
        assert_eq!(show(&bjorklund(3, 7)), "x.x.x..");
        assert_eq!(show(&bjorklund(4, 7)), "x.x.x.x");
        assert_eq!(show(&bjorklund(5, 8)), "x.xx.xx.");
        assert_eq!(show(&bjorklund(5, 12)), "x..x.x..x.x.");
        assert_eq!(show(&bjorklund(7, 16)), "x..x.x.x..x.x.x.");
        assert_eq!(show(&bjorklund(0, 4)), "....");
        assert_eq!(show(&bjorklund(4, 4)), "xxxx");
    }

    #[test]
    fn rotation_is_to_the_left() {
        assert_eq!(show(&bjorklund_rotated(3, 8, 2)), ".x..x.x.");
    }
}
