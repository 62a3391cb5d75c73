//! Denormals flushed to zero on the threads that run kernels: a recursive filter or
//! a reverb tail decaying towards silence would otherwise spend hundreds of cycles
//! on every subnormal operation. x86_64: MXCSR's FTZ (bit 15) and DAZ (bit 6);
//! aarch64: FPCR's FZ (bit 24); elsewhere nothing is changed.

/// The floating-point control word of this thread.
#[inline]
fn read() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        let mut csr: u32 = 0;
        // SAFETY: stmxcsr stores the 32-bit MXCSR into the pointed-to u32.
        unsafe {
            std::arch::asm!("stmxcsr [{}]", in(reg) &mut csr, options(nostack, preserves_flags))
        };
        u64::from(csr)
    }
    #[cfg(target_arch = "aarch64")]
    {
        let fpcr: u64;
        // SAFETY: reading FPCR has no side effects.
        unsafe { std::arch::asm!("mrs {}, fpcr", out(reg) fpcr, options(nomem, nostack)) };
        fpcr
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        0
    }
}

#[inline]
fn write(word: u64) {
    #[cfg(target_arch = "x86_64")]
    {
        let csr = word as u32;
        // SAFETY: ldmxcsr loads a control word read from MXCSR with mode bits
        // changed; no reserved bit is set.
        unsafe { std::arch::asm!("ldmxcsr [{}]", in(reg) &csr, options(nostack, readonly)) };
    }
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: FPCR with only the FZ mode bit changed.
        unsafe { std::arch::asm!("msr fpcr, {}", in(reg) word, options(nomem, nostack)) };
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let _ = word;
    }
}

#[cfg(target_arch = "x86_64")]
const FLUSH: u64 = (1 << 15) | (1 << 6);
#[cfg(target_arch = "aarch64")]
const FLUSH: u64 = 1 << 24;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const FLUSH: u64 = 0;

/// Flushes denormals on this thread from now on (a thread that only runs kernels).
pub fn flush_denormals() {
    write(read() | FLUSH);
}

/// Whether this thread flushes denormals.
pub fn flushing() -> bool {
    FLUSH != 0 && read() & FLUSH == FLUSH
}

/// Flushes denormals while it lives, then restores the mode it found.
pub struct DenormalGuard {
    previous: u64,
}

impl DenormalGuard {
    #[allow(clippy::new_without_default)]
    pub fn new() -> DenormalGuard {
        let previous = read();
        if previous & FLUSH != FLUSH {
            write(previous | FLUSH);
        }
        DenormalGuard { previous }
    }
}

impl Drop for DenormalGuard {
    fn drop(&mut self) {
        if read() != self.previous {
            write(self.previous);
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
        let before = read();
        {
            let _g = DenormalGuard::new();
            if FLUSH != 0 {
                assert!(flushing());
                assert_eq!(std::hint::black_box(tiny) * std::hint::black_box(half), 0.0);
            }
        }
        assert_eq!(read(), before);
        assert!(tiny * half > 0.0);
    }
}
