//! What compiled code depends on besides the wasm: the weft build, the
//! target and its CPU features, and the engine settings that change the
//! code (fuel, epochs). Artifacts record it; loading compares it.

use crate::engine::Engine;

/// The parts of an engine's fingerprint, each `name=value`.
pub(crate) fn parts(engine: &Engine) -> Vec<String> {
    let isa = engine.isa();
    let config = engine.config();
    let mut parts = vec![
        format!("weft={}", env!("CARGO_PKG_VERSION")),
        format!("build={}", env!("WEFT_RUNTIME_BUILD_ID")),
        format!("target={}", isa.triple()),
    ];
    // Shared and ISA flags: opt level, frame pointers, CPU features.
    for line in isa.flags().to_string().lines() {
        if let Some((name, value)) = line.split_once(" = ") {
            parts.push(format!("{}={}", name.trim(), value.trim()));
        }
    }
    for value in isa.isa_flags() {
        parts.push(value.to_string().replace(' ', ""));
    }
    parts.push(format!("fuel={}", config.consume_fuel));
    parts.push(format!("epochs={}", config.epoch_interruption));
    parts
}

/// The fingerprint as one string, as artifacts store it.
pub(crate) fn of(engine: &Engine) -> String {
    parts(engine).join(";")
}

/// Why an artifact made with fingerprint `theirs` does not run on an engine
/// whose fingerprint is `ours`: the first part that differs.
pub(crate) fn mismatch(ours: &str, theirs: &str) -> Option<String> {
    if ours == theirs {
        return None;
    }
    let name = |part: &str| part.split('=').next().unwrap_or(part).to_string();
    let ours: Vec<&str> = ours.split(';').collect();
    let theirs: Vec<&str> = theirs.split(';').collect();
    for (i, ours_part) in ours.iter().enumerate() {
        match theirs.get(i) {
            Some(theirs_part) if theirs_part == ours_part => continue,
            Some(theirs_part) if name(theirs_part) == name(ours_part) => {
                return Some(format!(
                    "it was compiled with {theirs_part}, this engine has {ours_part}"
                ))
            }
            _ => {
                return Some(format!(
                "it was compiled with other settings (this engine's {ours_part} is not among them)"
            ))
            }
        }
    }
    Some("it was compiled with more settings than this engine has".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Config;

    #[test]
    fn settings_that_change_code_change_the_fingerprint() {
        let plain = of(&Engine::default());
        let fuel = of(&Engine::new(&Config {
            consume_fuel: true,
            ..Config::default()
        })
        .unwrap());
        assert_ne!(plain, fuel);
        let stack = of(&Engine::new(&Config {
            max_wasm_stack: 1 << 20,
            ..Config::default()
        })
        .unwrap());
        assert_eq!(plain, stack, "the stack limit is not compiled in");
        assert!(plain.contains("build="), "{plain}");
        assert!(
            plain.contains("opt_level=\"speed\"") || plain.contains("opt_level=speed"),
            "{plain}"
        );
    }

    #[test]
    fn a_mismatch_names_the_differing_part() {
        assert_eq!(mismatch("a=1;b=2", "a=1;b=2"), None);
        assert_eq!(
            mismatch("a=1;fuel=false", "a=1;fuel=true").unwrap(),
            "it was compiled with fuel=true, this engine has fuel=false"
        );
        assert!(mismatch("a=1;b=2", "a=1;c=2").unwrap().contains("b=2"));
        assert!(mismatch("a=1", "a=1;c=2")
            .unwrap()
            .contains("more settings"));
    }
}
