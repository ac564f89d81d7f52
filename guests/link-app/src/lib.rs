//! `weft-test:link-app/report`, written with weft's guest crate: a wrapper
//! over `link_logic::app`, whose `Indexes` it implements with the
//! imported `weft-test:link-lib/index` (its `index` resource made, used,
//! lent and dropped; records, options, variants and lists both ways).

use link_logic::{app, lib};

weft::world!();

use wit::index::{Hit, Query};
use wit::report::Line;

/// `app::Indexes` through the component's imports.
struct Imported;

fn hit(hit: Hit) -> lib::Hit {
    lib::Hit {
        word: hit.word,
        count: hit.count,
        offsets: hit.offsets,
    }
}

impl app::Indexes for Imported {
    type Index = wit::index::Index;

    fn create(&self, name: &str, stopwords: Vec<String>) -> wit::index::Index {
        wit::index::Index::new(name.to_string(), stopwords)
    }

    fn add(&self, index: &wit::index::Index, text: &str) -> u32 {
        index.add(text.to_string())
    }

    fn lookup(&self, index: &wit::index::Index, word: &str) -> Option<lib::Hit> {
        index.lookup(word.to_string()).map(hit)
    }

    fn find(&self, index: &wit::index::Index, query: lib::Query) -> Vec<lib::Hit> {
        let q = match query {
            lib::Query::Word(word) => Query::Word(word),
            lib::Query::Prefix(prefix) => Query::Prefix(prefix),
            lib::Query::All => Query::All,
        };
        index.find(q).into_iter().map(hit).collect()
    }

    fn summary(&self, index: &wit::index::Index) -> String {
        wit::index::summary(index)
    }
}

fn line(line: app::Line) -> Line {
    Line {
        word: line.word,
        count: line.count,
        first: line.first,
    }
}

/// The `report` interface's functions.
#[weft::export]
mod report {
    use super::{app, line, Imported, Line};

    pub fn analyze(docs: Vec<String>, stopwords: Vec<String>, n: u32) -> Vec<Line> {
        app::analyze(&Imported, &docs, stopwords, n)
            .into_iter()
            .map(line)
            .collect()
    }

    pub fn describe(name: String, docs: Vec<String>) -> String {
        app::describe(&Imported, &name, &docs)
    }
}

/// The `session` resource.
pub struct Session(app::Session<Imported>);

#[weft::export]
impl Session {
    pub fn new(name: String) -> Self {
        Session(app::Session::new(Imported, &name))
    }

    pub fn feed(&self, text: String) -> u32 {
        self.0.feed(&text)
    }

    pub fn count(&self, word: String) -> u32 {
        self.0.count(&word)
    }

    pub fn complete(&self, prefix: String) -> Vec<Line> {
        self.0.complete(&prefix).into_iter().map(line).collect()
    }

    pub fn summary(&self) -> String {
        self.0.summary()
    }
}
