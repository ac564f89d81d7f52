//! `weft-test:link-lib/index`, written with weft's guest crate: a wrapper
//! over `link_logic::lib`, whose `Text` it implements with the imported
//! `weft-test:link-base/text` (functions, and the `stopwords` resource
//! held inside each index). `link-app` imports it.

use std::cell::RefCell;

use link_logic::{base, lib};

weft::world!();

use wit::index::{Hit, Query};
use wit::text;

/// `lib::Text` through the component's imports.
struct Imported;

impl lib::Text for Imported {
    type Stopwords = text::Stopwords;

    fn tokenize(&self, input: &str) -> Vec<base::Token> {
        text::tokenize(input.to_string())
            .into_iter()
            .map(|t| base::Token {
                word: t.word,
                offset: t.offset,
            })
            .collect()
    }

    fn hash(&self, word: &str) -> u64 {
        text::hash(word.to_string())
    }

    fn stopwords(&self, words: Vec<String>) -> text::Stopwords {
        text::Stopwords::new(words)
    }

    fn is_stopword(&self, stopwords: &text::Stopwords, word: &str) -> bool {
        stopwords.contains(word.to_string())
    }

    fn stopword_count(&self, stopwords: &text::Stopwords) -> u32 {
        stopwords.len()
    }
}

fn hit(hit: lib::Hit) -> Hit {
    Hit {
        word: hit.word,
        count: hit.count,
        offsets: hit.offsets,
    }
}

/// The `index` resource.
pub struct Index(RefCell<lib::Index<Imported>>);

#[weft::export]
impl Index {
    pub fn new(name: String, stopwords: Vec<String>) -> Self {
        Index(RefCell::new(lib::Index::new(Imported, name, stopwords)))
    }

    pub fn add(&self, text: String) -> u32 {
        self.0.borrow_mut().add(&text)
    }

    pub fn lookup(&self, word: String) -> Option<Hit> {
        self.0.borrow().lookup(&word).map(hit)
    }

    pub fn find(&self, q: Query) -> Vec<Hit> {
        let query = match q {
            Query::Word(word) => lib::Query::Word(word),
            Query::Prefix(prefix) => lib::Query::Prefix(prefix),
            Query::All => lib::Query::All,
        };
        self.0.borrow().find(&query).into_iter().map(hit).collect()
    }

    pub fn name(&self) -> String {
        self.0.borrow().name()
    }
}

/// The `index` interface's free function.
#[weft::export(interface = "index")]
mod index {
    pub fn summary(idx: &super::Index) -> String {
        idx.0.borrow().summary()
    }
}
