//! `Config::default_cache_dir`: the environment variables every weft host
//! reads to place (or turn off) its cache. One test, alone in its process,
//! since it sets environment variables.

use std::path::PathBuf;

use weft_runtime::Config;

fn set(name: &str, value: Option<&str>) {
    // SAFETY: this test binary runs this one test, on one thread.
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

#[test]
fn the_cache_directory_follows_the_environment() {
    set("WEFT_NO_CACHE", None);
    set("WEFT_CACHE_DIR", None);
    set("XDG_CACHE_HOME", None);
    set("HOME", Some("/home/someone"));
    let home_default = if cfg!(target_os = "macos") {
        "/home/someone/Library/Caches/weft"
    } else {
        "/home/someone/.cache/weft"
    };
    assert_eq!(
        Config::default_cache_dir(),
        Some(PathBuf::from(home_default))
    );

    set("XDG_CACHE_HOME", Some("/xdg"));
    assert_eq!(
        Config::default_cache_dir(),
        Some(PathBuf::from("/xdg/weft"))
    );

    set("WEFT_CACHE_DIR", Some("/here"));
    assert_eq!(Config::default_cache_dir(), Some(PathBuf::from("/here")));

    set("WEFT_NO_CACHE", Some("0"));
    assert_eq!(Config::default_cache_dir(), Some(PathBuf::from("/here")));
    set("WEFT_NO_CACHE", Some("1"));
    assert_eq!(Config::default_cache_dir(), None);

    set("WEFT_NO_CACHE", None);
    set("WEFT_CACHE_DIR", None);
    set("XDG_CACHE_HOME", None);
    set("HOME", None);
    assert_eq!(Config::default_cache_dir(), None, "no home, no cache");
}
