//! The files of the built site the pages link to: the stylesheet, the WebAssembly and its
//! JavaScript loader. A release build names them by their content (`maillage.3f9a….wasm`),
//! so they can be cached for a year and a new build is never mixed with an old one; a debug
//! build keeps the plain names. `maillage assets` writes the list (`pkg/files.json`); the
//! server reads it once at start and gives it to every render.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the list of files lives, under the site's `pkg` directory.
pub const LIST: &str = "files.json";

/// The site's files, by their names under `/pkg/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFiles {
    pub css: String,
    pub js: String,
    pub wasm: String,
    /// True when the names carry a content hash: each name then always serves the same bytes.
    pub hashed: bool,
}

impl Default for SiteFiles {
    /// The plain names of a build that was not hashed.
    fn default() -> Self {
        SiteFiles {
            css: "maillage.css".into(),
            js: "maillage.js".into(),
            wasm: "maillage.wasm".into(),
            hashed: false,
        }
    }
}

impl SiteFiles {
    /// The list under `site_root/pkg`, or the plain names when there is none (a debug build).
    #[cfg(feature = "ssr")]
    pub fn read(site_root: &std::path::Path) -> Result<SiteFiles, String> {
        let path = site_root.join("pkg").join(LIST);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| format!("{} is not a list of site files: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SiteFiles::default()),
            Err(e) => Err(format!("reading {}: {e}", path.display())),
        }
    }

    /// Whether `name` (a file under `/pkg/`, or its precompressed copy) is one of the hashed
    /// files, which never change under their name.
    pub fn is_lasting(&self, name: &str) -> bool {
        let base = name
            .strip_suffix(".br")
            .or_else(|| name.strip_suffix(".gz"))
            .unwrap_or(name);
        self.hashed && [&self.css, &self.js, &self.wasm].iter().any(|f| *f == base)
    }

    /// The address of one file.
    pub fn href(name: &str) -> String {
        format!("/pkg/{name}")
    }
}

/// The site's files in this render: given by the server; the plain names otherwise.
pub fn use_site_files() -> SiteFiles {
    use_context::<SiteFiles>().unwrap_or_default()
}

/// The loader of the page's WebAssembly, in the head: the module and the binary are fetched
/// early (preload), then the module hydrates the page's islands. The inline script carries this
/// render's nonce, which the Content Security Policy requires.
#[component]
pub fn HydrationLoader() -> impl IntoView {
    // Islands: what renders from here on is not hydrated, so its data (resources) stays on
    // the server; each island turns hydration on for itself. Rendered in the head, before
    // the body.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let files = use_site_files();
    let js = SiteFiles::href(&files.js);
    let wasm = SiteFiles::href(&files.wasm);
    let nonce = leptos::nonce::use_nonce();
    // Each `<leptos-island>` names the exported function that hydrates it. The marker tells
    // browser tests (and anyone curious) that the page is interactive.
    let script = format!(
        "import({js:?}).then(m => m.default({{module_or_path: {wasm:?}}}).then(() => {{\
         m.hydrate();\
         for (const island of document.querySelectorAll('leptos-island')) {{\
         const hydrate = m[island.dataset.component]; if (hydrate) hydrate(island); }}\
         window.__maillage_hydrated = true; }}));"
    );
    view! {
        <link rel="modulepreload" href=js.clone() crossorigin=""/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=nonce>{script}</script>
    }
}
