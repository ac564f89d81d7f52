//! `weft-test:link-base/text`, written with wit-bindgen 0.63 (so that
//! `weft link` is proven on a component weft's guest crate did not make):
//! a wrapper over `link_logic::base`. `link-lib` imports it.

use link_logic::base;

wit_bindgen::generate!({ world: "base" });

use exports::weft_test::link_base::text::{Guest, GuestStopwords, Token};

/// The component.
struct Base;

export!(Base);

impl Guest for Base {
    type Stopwords = Stopwords;

    fn tokenize(text: String) -> Vec<Token> {
        base::tokenize(&text)
            .into_iter()
            .map(|t| Token {
                word: t.word,
                offset: t.offset,
            })
            .collect()
    }

    fn hash(word: String) -> u64 {
        base::hash(&word)
    }
}

/// The `stopwords` resource.
struct Stopwords(base::Stopwords);

impl GuestStopwords for Stopwords {
    fn new(words: Vec<String>) -> Stopwords {
        Stopwords(base::Stopwords::new(words))
    }

    fn contains(&self, word: String) -> bool {
        self.0.contains(&word)
    }

    fn len(&self) -> u32 {
        self.0.len()
    }
}
