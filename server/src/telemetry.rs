//! Structured logs on stderr, filtered by `RUST_LOG` (default `info`).

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init(format: &LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Allocations at least this large get their own mapping, returned to the system when freed.
const MMAP_THRESHOLD_BYTES: i32 = 128 * 1024;

/// Tunes glibc's malloc so that an idle server returns to its idle footprint after a burst.
///
/// - Arenas are capped at two. By default each thread that allocates may get its own arena
///   (up to 8 per core) and keeps its freed memory. Two arenas match the two worker threads.
/// - The mmap threshold is fixed at 128 KiB. glibc raises it by itself each time a mapped
///   block is freed (up to 32 MiB), after which Argon2's 19 MiB buffers come from the heap
///   and stay there: a burst of wrong passwords took the server from 57 MB to about 970 MB,
///   for good. With the threshold fixed, each hash maps and unmaps its buffer.
pub fn limit_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; called before other threads allocate.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
    }
}
