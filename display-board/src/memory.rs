//! Keeps the board's resident memory small. A board runs for weeks and is
//! idle nearly all the time, yet glibc's allocator gives each of Bevy's
//! threads its own arena and keeps freed memory for reuse. Measured on the
//! idle release board (BENCHMARKS.md): one arena and returning freed memory
//! above 128 KiB to the system cut its PSS by about 25 MB, at no visible
//! cost (allocations are rare between frames); `malloc_trim` once a minute
//! gives back pages freed inside the heap as well.

/// Call first thing in `main`, before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn tune_allocator() {
    const KEEP_AT_MOST: libc::c_int = 128 * 1024;
    // SAFETY: `mallopt` only changes glibc allocator parameters; it is
    // called before other threads exist, with documented parameters and
    // values. A refused parameter returns 0 and leaves the default.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP_AT_MOST);
        libc::mallopt(libc::M_MMAP_THRESHOLD, KEEP_AT_MOST);
    }
}

/// Other platforms keep their allocator's defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune_allocator() {}

/// Returns freed heap pages to the system (cheap; the board calls it once
/// a minute, when the clock changes).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn return_free_memory() {
    // SAFETY: `malloc_trim` only releases unused pages of glibc's heap; it
    // takes the allocator's own locks and touches no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other platforms: nothing to do.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn return_free_memory() {}
