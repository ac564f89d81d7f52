//! WIT text from resolved WIT.

use wit_component::WitPrinter;
use wit_parser::WorldId;

use crate::error::WitError;
use crate::load::Wit;

impl Wit {
    /// Prints the main package as WIT text, its dependencies following as
    /// nested `package … { … }` blocks, so that the text parses on its own.
    ///
    /// With `world`, the world's package is printed with that world alone
    /// among its worlds (its interfaces stay, since the world may use them).
    pub fn to_wit_text(&self, world: Option<WorldId>) -> Result<String, WitError> {
        let mut resolve = self.resolve.clone();
        let main = match world {
            Some(world) => {
                let package = resolve.worlds[world].package.unwrap_or(self.package);
                resolve.packages[package]
                    .worlds
                    .retain(|_, id| *id == world);
                package
            }
            None => self.package,
        };
        // Sorted by name, so that the text is the same however the
        // packages came to be loaded (WIT resolves nested packages in any
        // order).
        let mut nested: Vec<_> = resolve
            .packages
            .iter()
            .filter(|(id, _)| *id != main)
            .map(|(id, package)| (package.name.to_string(), id))
            .collect();
        nested.sort();
        let nested: Vec<_> = nested.into_iter().map(|(_, id)| id).collect();
        let mut printer = WitPrinter::default();
        printer
            .print(&resolve, main, &nested)
            .map_err(|err| WitError::Print {
                package: resolve.packages[main].name.to_string(),
                message: format!("{err:#}"),
            })?;
        Ok(printer.output.to_string())
    }
}
