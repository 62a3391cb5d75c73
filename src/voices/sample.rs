//! Reading a sample: the plain path's mixing loops (the envelope and pan gains
//! applied as the frames are added, a contiguous loop at rate ±1, linear
//! interpolation at 32.32 fixed-point positions otherwise) and the chain path's
//! frame reader.

use super::{FRAC_BITS, ONE};

/// The per-segment envelope and pan gains: frame `j` gets `(e0 + es*(k0+j)) * g`.
#[derive(Clone, Copy)]
pub(super) struct Env {
    pub e0: f32,
    pub es: f32,
    pub k0: i32,
    pub gl: f32,
    pub gr: f32,
}

#[inline(always)]
pub(super) fn mix_mono<'a>(src: impl Iterator<Item = &'a f32>, env: Env, left: &mut [f32], right: &mut [f32]) {
    for (j, ((x, l), r)) in src.zip(left.iter_mut()).zip(right.iter_mut()).enumerate() {
        let e = env.e0 + env.es * (env.k0 + j as i32) as f32;
        let y = x * e;
        *l += y * env.gl;
        *r += y * env.gr;
    }
}

#[inline(always)]
pub(super) fn mix_stereo<'a>(
    src: impl Iterator<Item = &'a [f32]>,
    env: Env,
    left: &mut [f32],
    right: &mut [f32],
) {
    for (j, ((x, l), r)) in src.zip(left.iter_mut()).zip(right.iter_mut()).enumerate() {
        let e = env.e0 + env.es * (env.k0 + j as i32) as f32;
        if let [a, b] = x {
            *l += a * e * env.gl;
            *r += b * e * env.gr;
        }
    }
}

/// Linear interpolation at the fixed-point positions `start + step*j` for any rate.
/// Positions are exact integers (32.32 fixed point), so the values do not depend on
/// how the voice is split into blocks. When every frame the run reads lies inside
/// the data (the usual case), a tight loop reads a pre-cut slice; otherwise each
/// read is checked and frames outside the data read as 0.
#[inline(always)]
pub(super) fn mix_interp<const CH: usize>(
    data: &[f32],
    start: i128,
    step: i64,
    env: Env,
    left: &mut [f32],
    right: &mut [f32],
) {
    let run = left.len().min(right.len());
    if run == 0 {
        return;
    }
    let frames = (data.len() / CH) as i128;
    let end = start + step as i128 * (run as i128 - 1);
    let (lo, hi) = (start.min(end), start.max(end));
    const SCALE: f32 = 1.0 / ONE as f32;
    if lo >= 0 && (hi >> FRAC_BITS) + 1 < frames {
        // Every index (and its neighbour) is in the slice: positions relative to it.
        let base = (lo >> FRAC_BITS) as usize;
        let last = (hi >> FRAC_BITS) as usize + 1;
        let src = &data[base * CH..(last + 1) * CH];
        let mut p = (start - ((base as i128) << FRAC_BITS)) as i64;
        for (j, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
            let i = (p >> FRAC_BITS) as usize * CH;
            let frac = (p & (ONE - 1)) as f32 * SCALE;
            let e = env.e0 + env.es * (env.k0 + j as i32) as f32;
            if CH == 2 {
                if let (Some(&a0), Some(&b0), Some(&a1), Some(&b1)) =
                    (src.get(i), src.get(i + 1), src.get(i + 2), src.get(i + 3))
                {
                    *l += (a0 + (a1 - a0) * frac) * e * env.gl;
                    *r += (b0 + (b1 - b0) * frac) * e * env.gr;
                }
            } else if let (Some(&a), Some(&b)) = (src.get(i), src.get(i + 1)) {
                let y = (a + (b - a) * frac) * e;
                *l += y * env.gl;
                *r += y * env.gr;
            }
            p += step;
        }
        return;
    }
    let at = |i: i128| -> f32 {
        if i < 0 || i >= data.len() as i128 {
            0.0
        } else {
            data[i as usize]
        }
    };
    for (j, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
        let p = start + step as i128 * j as i128;
        let i = p >> FRAC_BITS;
        let frac = (p & (ONE as i128 - 1)) as f32 * SCALE;
        let e = env.e0 + env.es * (env.k0 + j as i32) as f32;
        if CH == 2 {
            let (i0, i1) = (i * 2, i * 2 + 2);
            let a = at(i0) + (at(i1) - at(i0)) * frac;
            let b = at(i0 + 1) + (at(i1 + 1) - at(i0 + 1)) * frac;
            *l += a * e * env.gl;
            *r += b * e * env.gr;
        } else {
            let (a, b) = (at(i), at(i + 1));
            let y = (a + (b - a) * frac) * e;
            *l += y * env.gl;
            *r += y * env.gr;
        }
    }
}


/// The frame at fixed-point position `p` (32.32), linearly interpolated between
/// frames `floor(p)` and `floor(p) + 1`; frames outside the data read as 0. Mono
/// data gives its value twice.
#[inline]
pub(super) fn read_frame<const CH: usize>(data: &[f32], p: i128) -> (f32, f32) {
    const SCALE: f32 = 1.0 / ONE as f32;
    let at = |i: i128| -> f32 {
        if i < 0 || i >= data.len() as i128 {
            0.0
        } else {
            data[i as usize]
        }
    };
    let i = p >> FRAC_BITS;
    let frac = (p & (ONE as i128 - 1)) as f32 * SCALE;
    if CH == 2 {
        let (i0, i1) = (i * 2, i * 2 + 2);
        let a = at(i0) + (at(i1) - at(i0)) * frac;
        let b = at(i0 + 1) + (at(i1 + 1) - at(i0 + 1)) * frac;
        (a, b)
    } else {
        let (a, b) = (at(i), at(i + 1));
        let y = a + (b - a) * frac;
        (y, y)
    }
}
