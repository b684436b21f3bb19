//! `maillage assets`: names the built site's files by their content and compresses them once.
//!
//! The build (`scripts/build-site`) leaves `pkg/maillage.{css,js,wasm}` under the site root.
//! This step copies each to `maillage.<hash>.<ext>` (the first 16 hex digits of its SHA-256),
//! writes brotli (quality 11) and gzip (level 9) copies beside it, which the server sends as
//! they are, and writes the list of names the pages link to (`pkg/files.json`). Earlier
//! hashed files are removed. Compressing at the highest level takes seconds, once per build,
//! instead of milliseconds of CPU at every download.

use anyhow::Context;
use app::assets::{SiteFiles, LIST};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The files the build leaves, by their plain names.
const BUILT: [(&str, &str); 3] = [
    ("css", "maillage.css"),
    ("js", "maillage.js"),
    ("wasm", "maillage.wasm"),
];

/// Runs the step on `site_root`, off the async runtime.
pub async fn run(site_root: PathBuf) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || name_and_compress(&site_root))
        .await
        .context("the assets step stopped")?
}

/// The step itself, blocking: for a build script or a test, not for the async runtime.
pub fn name_and_compress(site_root: &Path) -> anyhow::Result<()> {
    let pkg = site_root.join("pkg");
    let mut names = Vec::new();
    for (ext, plain) in BUILT {
        let path = pkg.join(plain);
        let bytes = std::fs::read(&path)
            .with_context(|| format!("reading {} (build the site first)", path.display()))?;
        let hash: String = Sha256::digest(&bytes)
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let name = format!("maillage.{hash}.{ext}");
        write_atomically(&pkg.join(&name), &bytes)?;
        names.push((name, bytes));
    }
    remove_stale(
        &pkg,
        &names.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
    )?;
    // Brotli at its best level is the long part (seconds for the WebAssembly): the files are
    // compressed side by side, one thread each.
    std::thread::scope(|scope| {
        let jobs: Vec<_> = names
            .iter()
            .map(|(name, bytes)| scope.spawn(|| compress(&pkg, name, bytes)))
            .collect();
        jobs.into_iter().try_for_each(|job| {
            job.join()
                .map_err(|_| anyhow::anyhow!("a compression thread stopped"))?
        })
    })?;
    let [css, js, wasm] = [0, 1, 2].map(|i| names[i].0.clone());
    let files = SiteFiles {
        css,
        js,
        wasm,
        hashed: true,
    };
    let list = serde_json::to_vec_pretty(&files).context("writing the list of files")?;
    write_atomically(&pkg.join(LIST), &list)?;
    eprintln!("==> site files listed in {}", pkg.join(LIST).display());
    Ok(())
}

/// Writes `name.br` and `name.gz` beside `name`, and says what it saved.
fn compress(pkg: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let started = Instant::now();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut br = Vec::with_capacity(bytes.len() / 3);
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params)
        .with_context(|| format!("compressing {name} with brotli"))?;
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::best(),
    );
    gz.write_all(bytes)
        .and_then(|()| gz.try_finish())
        .with_context(|| format!("compressing {name} with gzip"))?;
    let gz = gz.get_ref();
    write_atomically(&pkg.join(format!("{name}.br")), &br)?;
    write_atomically(&pkg.join(format!("{name}.gz")), gz)?;
    eprintln!(
        "==> {name}: {} bytes, {} brotli, {} gzip ({:.1} s)",
        bytes.len(),
        br.len(),
        gz.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Removes the hashed files (and their compressed copies) of earlier builds.
fn remove_stale(pkg: &Path, current: &[&str]) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(pkg).with_context(|| format!("listing {}", pkg.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", pkg.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let base = name
            .strip_suffix(".br")
            .or_else(|| name.strip_suffix(".gz"))
            .unwrap_or(&name);
        if is_hashed_name(base) && !current.contains(&base) {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("removing {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// `maillage.<16 hex digits>.<css|js|wasm>`.
fn is_hashed_name(name: &str) -> bool {
    let mut parts = name.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("maillage"), Some(hash), Some("css" | "js" | "wasm"), None)
            if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    )
}

/// Writes through a temporary file and a rename: a server reading the directory meanwhile
/// sees the old file or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".part");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn only_names_of_this_step_are_taken_for_hashed() {
        assert!(is_hashed_name("maillage.0123456789abcdef.wasm"));
        assert!(!is_hashed_name("maillage.wasm"));
        assert!(!is_hashed_name("maillage.0123.wasm"));
        assert!(!is_hashed_name("maillage.0123456789abcdef.wasm.br"));
        assert!(!is_hashed_name("other.0123456789abcdef.js"));
    }

    #[test]
    fn files_are_named_by_content_compressed_and_listed() {
        let root = tempfile::tempdir().unwrap();
        let pkg = root.path().join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        for (_, plain) in BUILT {
            std::fs::write(pkg.join(plain), plain.repeat(500)).unwrap();
        }
        std::fs::write(pkg.join("maillage.ffffffffffffffff.js"), "old").unwrap();
        std::fs::write(pkg.join("maillage.ffffffffffffffff.js.br"), "old").unwrap();
        name_and_compress(root.path()).unwrap();

        let files = SiteFiles::read(root.path()).unwrap();
        assert!(files.hashed);
        assert!(files.is_lasting(&files.wasm) && files.is_lasting(&format!("{}.br", files.js)));
        assert!(!files.is_lasting("maillage.wasm"));
        for name in [&files.css, &files.js, &files.wasm] {
            let plain = std::fs::read(pkg.join(name)).unwrap();
            let mut unpacked = Vec::new();
            brotli::BrotliDecompress(
                &mut &std::fs::read(pkg.join(format!("{name}.br"))).unwrap()[..],
                &mut unpacked,
            )
            .unwrap();
            assert_eq!(unpacked, plain, "{name}.br");
            let mut gunzipped = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(
                    &std::fs::read(pkg.join(format!("{name}.gz"))).unwrap()[..],
                ),
                &mut gunzipped,
            )
            .unwrap();
            assert_eq!(gunzipped, plain, "{name}.gz");
        }
        assert!(!pkg.join("maillage.ffffffffffffffff.js").exists());
        assert!(!pkg.join("maillage.ffffffffffffffff.js.br").exists());
        // The same bytes get the same names: a rebuild with no change changes no address.
        name_and_compress(root.path()).unwrap();
        assert_eq!(SiteFiles::read(root.path()).unwrap(), files);
    }
}
