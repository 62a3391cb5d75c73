//! Denormals flushed to zero on the threads that run kernels.
//!
//! A recurrence decaying towards silence (a filter's state, a reverb tail, an
//! envelope's release) passes through subnormal floats, which cost ~100 cycles per
//! operation on x86 when not flushed; flushing them to zero (FTZ: results, DAZ:
//! operands) makes that cost vanish. The mode is per thread, so every thread that runs
//! kernels sets it: the workers once at their start, the calling thread for the
//! duration of `Runtime::process_events` (a guard restoring what the caller had), so that a
//! block computes the same bits whichever thread runs an item.

/// The control-register bits that flush denormals on this architecture.
#[cfg(target_arch = "x86_64")]
const FLUSH_BITS: u64 = (1 << 15) | (1 << 6); // MXCSR: FTZ, DAZ
#[cfg(target_arch = "aarch64")]
const FLUSH_BITS: u64 = 1 << 24; // FPCR: FZ (inputs and results)
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const FLUSH_BITS: u64 = 0;

/// The current thread's floating-point control word (MXCSR, FPCR; 0 elsewhere).
#[cfg(target_arch = "x86_64")]
fn fp_mode() -> u64 {
    let mut v: u32 = 0;
    // SAFETY: stmxcsr stores the 32-bit MXCSR at the given address, a local here.
    unsafe {
        std::arch::asm!("stmxcsr [{}]", in(reg) &mut v, options(nostack, preserves_flags));
    }
    u64::from(v)
}

#[cfg(target_arch = "x86_64")]
fn set_fp_mode(mode: u64) {
    let v = mode as u32;
    // SAFETY: ldmxcsr loads MXCSR from a local; the values written are ones read from
    // MXCSR with only the FTZ/DAZ bits changed (reserved bits untouched, no fault).
    unsafe {
        std::arch::asm!("ldmxcsr [{}]", in(reg) &v, options(nostack, readonly, preserves_flags));
    }
}

#[cfg(target_arch = "aarch64")]
fn fp_mode() -> u64 {
    let v: u64;
    // SAFETY: reading FPCR has no side effect.
    unsafe {
        std::arch::asm!("mrs {}, fpcr", out(reg) v, options(nomem, nostack, preserves_flags));
    }
    v
}

#[cfg(target_arch = "aarch64")]
fn set_fp_mode(mode: u64) {
    // SAFETY: the value written is one read from FPCR with only FZ changed.
    unsafe {
        std::arch::asm!("msr fpcr, {}", in(reg) mode, options(nomem, nostack, preserves_flags));
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn fp_mode() -> u64 {
    0
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn set_fp_mode(_mode: u64) {}

/// Flushes denormals to zero on the current thread from now on (FTZ and DAZ on
/// x86_64, FZ on aarch64, nothing elsewhere). No system call.
pub fn flush_denormals() {
    let mode = fp_mode();
    if mode & FLUSH_BITS != FLUSH_BITS {
        set_fp_mode(mode | FLUSH_BITS);
    }
}

#[cfg(any(test, feature = "testing"))]
/// Whether the current thread flushes denormals (always false where unsupported).
pub fn flushing_denormals() -> bool {
    FLUSH_BITS != 0 && fp_mode() & FLUSH_BITS == FLUSH_BITS
}

/// Flushes denormals on the current thread while it lives, and restores the previous
/// mode when dropped (the calling thread of `Runtime::process` belongs to the host).
pub struct FlushDenormals {
    /// The flush bits as they were.
    previous: u64,
    /// The mode is the thread's: the guard must be dropped where it was made.
    _thread: std::marker::PhantomData<*const ()>,
}

impl FlushDenormals {
    pub fn new() -> FlushDenormals {
        let previous = fp_mode();
        if previous & FLUSH_BITS != FLUSH_BITS {
            set_fp_mode(previous | FLUSH_BITS);
        }
        FlushDenormals {
            previous: previous & FLUSH_BITS,
            _thread: std::marker::PhantomData,
        }
    }
}

impl Default for FlushDenormals {
    fn default() -> Self {
        FlushDenormals::new()
    }
}

impl Drop for FlushDenormals {
    fn drop(&mut self) {
        // Only the flush bits go back: the exception flags raised meanwhile stay, as
        // they would without the guard.
        let mode = fp_mode();
        if mode & FLUSH_BITS != self.previous {
            set_fp_mode((mode & !FLUSH_BITS) | self.previous);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subnormal_result_is_zero_under_the_guard_and_the_mode_comes_back() {
        let tiny = std::hint::black_box(f32::MIN_POSITIVE);
        let half = std::hint::black_box(0.5f32);
        assert!(tiny * half > 0.0, "subnormals exist outside the guard");
        let before = fp_mode();
        {
            let _g = FlushDenormals::new();
            if FLUSH_BITS != 0 {
                assert!(flushing_denormals());
                assert_eq!(std::hint::black_box(tiny) * std::hint::black_box(half), 0.0);
            }
        }
        assert_eq!(fp_mode() & FLUSH_BITS, before & FLUSH_BITS);
        assert!(tiny * half > 0.0);
    }
}
