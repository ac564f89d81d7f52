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
    /// style].
    #[arg(long)]
    name: Option<String>,
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
        let files = match self.lang {
            Lang::Python => {
                let opts = weft_codegen_python::Opts {
                    name: self.name,
                    wasm,
                };
                weft_codegen_python::generate(&wit.resolve, world, &opts).with_context(|| {
                    let what = match &self.wasm {
                        Some(path) => format!(" with `{}`", path.display()),
                        None => String::new(),
                    };
                    format!(
                        "cannot generate Python bindings for world `{}`{what}",
                        wit.resolve.worlds[world].name
                    )
                })?
            }
        };
        files
            .write_to(&self.output)
            .with_context(|| format!("cannot write to `{}`", self.output.display()))?;
        writeln!(
            out,
            "world `{}`: {} files written to {}",
            wit.resolve.worlds[world].name,
            files.len(),
            self.output.display()
        )
        .context("cannot write to standard output")?;
        Ok(())
    }
}
