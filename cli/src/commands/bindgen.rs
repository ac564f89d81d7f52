//! `weft bindgen`: bindings for a WIT world in another language.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use weft_wit::{Features, Wit};

/// A language `weft bindgen` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// A pip-installable Python package over the `weft` runtime module.
    Python,
    /// A Go module over the `weft.dev/go/weft` runtime package.
    Go,
}

/// Arguments of `weft bindgen`.
#[derive(Debug, clap::Args)]
pub struct BindgenArgs {
    /// The WIT: a `.wit` file, a directory holding a WIT package (and its
    /// `deps/`), or a `.wasm` component.
    input: PathBuf,
    /// The language of the bindings.
    #[arg(long)]
    lang: Lang,
    /// The world to bind (by name, or qualified as `ns:pkg/world`), when
    /// the package holds several.
    #[arg(long, short)]
    world: Option<String>,
    /// The component implementing the world, packaged with the bindings
    /// (it must export everything the world exports).
    #[arg(long, value_name = "PATH")]
    wasm: Option<PathBuf>,
    /// The package's name [default: the world's name, in the language's
    /// style] (Python).
    #[arg(long)]
    name: Option<String>,
    /// The Go module path written to `go.mod` [default: the world's name]
    /// (Go).
    #[arg(long, value_name = "PATH")]
    module: Option<String>,
    /// The folder of the Go runtime package `weft.dev/go/weft`, for
    /// `go.mod`'s `replace` directive [default: `codegen-go/host` of the
    /// weft checkout this binary was built from] (Go).
    #[arg(long, value_name = "PATH")]
    runtime: Option<PathBuf>,
    /// The directory to write the project into (made if missing; files of
    /// the same names are replaced).
    #[arg(long, short, value_name = "DIR")]
    output: PathBuf,
    /// Keep the `@unstable(feature = NAME)` items of these features
    /// (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
    /// Keep the unstable items of every feature.
    #[arg(long)]
    all_features: bool,
}

impl BindgenArgs {
    /// Generates the bindings, writes them and says where on `out`.
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        let features = Features {
            enabled: self.features,
            all: self.all_features,
        };
        let wit = Wit::load_with(&self.input, &features)?;
        let world = wit.world(self.world.as_deref())?;
        let wasm = match &self.wasm {
            Some(path) => Some(
                std::fs::read(path)
                    .with_context(|| format!("cannot read the component `{}`", path.display()))?,
            ),
            None => None,
        };
        let write_error = |output: &PathBuf| format!("cannot write to `{}`", output.display());
        let count = match self.lang {
            Lang::Python => {
                let opts = weft_codegen_python::Opts {
                    name: self.name.clone(),
                    wasm,
                };
                let files = weft_codegen_python::generate(&wit.resolve, world, &opts)
                    .with_context(|| {
                        let what = match &self.wasm {
                            Some(path) => format!(" with `{}`", path.display()),
                            None => String::new(),
                        };
                        format!(
                            "cannot generate Python bindings for world `{}`{what}",
                            wit.resolve.worlds[world].name
                        )
                    })?;
                files
                    .write_to(&self.output)
                    .with_context(|| write_error(&self.output))?;
                files.len()
            }
            Lang::Go => {
                let runtime_path = self.runtime.clone().unwrap_or_else(|| {
                    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../codegen-go/host"))
                });
                let runtime_path = std::path::absolute(&runtime_path).unwrap_or(runtime_path);
                let opts = weft_codegen_go::Opts {
                    module: self.module.clone(),
                    wasm,
                    runtime_path: Some(clean(&runtime_path)),
                };
                let files =
                    weft_codegen_go::generate(&wit.resolve, world, &opts).with_context(|| {
                        let what = match &self.wasm {
                            Some(path) => format!(" with `{}`", path.display()),
                            None => String::new(),
                        };
                        format!(
                            "cannot generate Go bindings for world `{}`{what}",
                            wit.resolve.worlds[world].name
                        )
                    })?;
                files
                    .write_to(&self.output)
                    .with_context(|| write_error(&self.output))?;
                files.len()
            }
        };
        writeln!(
            out,
            "world `{}`: {count} files written to {}",
            wit.resolve.worlds[world].name,
            self.output.display()
        )
        .context("cannot write to standard output")?;
        Ok(())
    }
}

/// `path` without `.` and `..` components (lexically; `..` at the root
/// stays), so that `go.mod` shows a plain absolute path.
fn clean(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
