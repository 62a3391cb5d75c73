//! Which processor a thread runs on, and moving a crew worker off the leader's
//! (see `avoid_cpu` in the crew): `rdtscp` to read the processor without a system
//! call, `sched_setaffinity` (on the worker) to re-pin.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set when [`current_cpu`]'s numbers turned out not to tell processors apart.
pub(super) static CPU_IDS_UNRELIABLE: AtomicBool = AtomicBool::new(false);

/// The processors a worker may run on (Linux), to re-pin it off the leader's.
#[cfg(target_os = "linux")]
pub(super) struct Affinity {
    /// What the thread was allowed at its start (`None` if unknown).
    start: Option<libc::cpu_set_t>,
}

#[cfg(target_os = "linux")]
impl Affinity {
    pub(super) fn of_this_thread() -> Affinity {
        // SAFETY: a zeroed cpu_set_t is a valid empty set; sched_getaffinity fills it
        // for the calling thread (pid 0) and reports failure by its return value.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            let ok = libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set);
            Affinity {
                start: (ok == 0).then_some(set),
            }
        }
    }

    /// Gives the calling thread its starting set back.
    pub(super) fn restore(&mut self) {
        if let Some(start) = self.start {
            // SAFETY: sched_setaffinity reads the set for the calling thread.
            unsafe {
                libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &start);
            }
        }
    }

    /// Restricts the calling thread to its starting set minus `cpu`; false if that
    /// leaves nothing or the system refuses.
    pub(super) fn move_off(&mut self, cpu: u32) -> bool {
        let Some(start) = self.start else {
            return false;
        };
        let cpu = cpu as usize;
        let mut set = start;
        // SAFETY: CPU_* only touch the set, bounds-checked against its size by libc's
        // implementation (indices past the set are ignored); sched_setaffinity reads
        // the set for the calling thread.
        unsafe {
            if cpu < libc::CPU_SETSIZE as usize && libc::CPU_ISSET(cpu, &set) {
                libc::CPU_CLR(cpu, &mut set);
            }
            if libc::CPU_COUNT(&set) == 0 {
                return false;
            }
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) struct Affinity;

#[cfg(not(target_os = "linux"))]
impl Affinity {
    pub(super) fn of_this_thread() -> Affinity {
        Affinity
    }

    pub(super) fn move_off(&mut self, _cpu: u32) -> bool {
        false
    }

    pub(super) fn restore(&mut self) {}
}

/// The processor the current thread runs on, without a system call: on x86_64 Linux,
/// `rdtscp` returns the processor number the kernel keeps in `TSC_AUX` (low 12 bits).
/// `None` elsewhere, on a processor without `rdtscp`, or once the numbers proved
/// useless (`avoid_cpu`).
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
pub(super) fn current_cpu() -> Option<u32> {
    if !has_rdtscp() || CPU_IDS_UNRELIABLE.load(Ordering::Relaxed) {
        return None;
    }
    let aux: u32;
    // SAFETY: rdtscp reads the time-stamp counter (edx:eax, discarded) and TSC_AUX
    // (ecx); unprivileged on Linux, no memory access.
    unsafe {
        std::arch::asm!(
            "rdtscp",
            out("eax") _,
            out("edx") _,
            out("ecx") aux,
            options(nomem, nostack, preserves_flags)
        );
    }
    Some(aux & 0xfff)
}

/// Whether the processor has `rdtscp` (CPUID 0x8000_0001, EDX bit 27), asked once
/// (cpuid is an instruction, no system call) and remembered.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn has_rdtscp() -> bool {
    static KNOWN: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
    match KNOWN.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            use std::arch::x86_64::__cpuid;
            #[allow(unused_unsafe)]
            // SAFETY: cpuid exists on every x86_64 processor; leaf 0x8000_0001 is
            // asked only if the highest extended leaf reaches it.
            let yes = unsafe {
                __cpuid(0x8000_0000).eax >= 0x8000_0001 && __cpuid(0x8000_0001).edx & (1 << 27) != 0
            };
            KNOWN.store(if yes { 1 } else { 2 }, Ordering::Relaxed);
            yes
        }
    }
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
pub(super) fn current_cpu() -> Option<u32> {
    None
}
