//! One scenario over the `report` interface of `guests/link-app`, run
//! natively (`link_logic`) and on a linked component (weft's runtime), so
//! that the two can be compared result by result. Included by the tests
//! that link the guests (they declare `mod logic` for the logic's source).

// Each test file uses part of this.
#![allow(dead_code)]

use weft_runtime::component::{Component, Instance, Linker, Resource, Val};
use weft_runtime::{Engine, Store};

use super::guests::REPORT;
use crate::logic::app::{self, Line};

/// One result the scenario observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    Lines(Vec<Line>),
    Text(String),
    Count(u32),
}

/// The `report` interface, native or through a component.
pub trait Report {
    type Session;
    fn analyze(&mut self, docs: &[String], stopwords: &[&str], n: u32) -> Vec<Line>;
    fn describe(&mut self, name: &str, docs: &[String]) -> String;
    fn session(&mut self, name: &str) -> Self::Session;
    fn feed(&mut self, session: &Self::Session, text: &str) -> u32;
    fn count(&mut self, session: &Self::Session, word: &str) -> u32;
    fn complete(&mut self, session: &Self::Session, prefix: &str) -> Vec<Line>;
    fn summary(&mut self, session: &Self::Session) -> String;
    fn close(&mut self, session: Self::Session);
}

/// Documents: ASCII, punctuation, non-ASCII, empty, and one long enough
/// that lists and strings cross through memory in earnest.
pub fn docs() -> Vec<String> {
    let mut long = String::new();
    for n in 0..600 {
        long.push_str(&format!("word{} and the cat{} ", n % 37, n % 5));
    }
    vec![
        "The cat sat on the mat, and the dog sat on the log.".into(),
        "A cat, a hat; the CAT in the hat!".into(),
        "Grüße aus Köln: naïve café, Café NAÏVE, 東京 東京".into(),
        String::new(),
        long,
    ]
}

/// Every call of the interface, with strings, lists, records, options, a
/// variant (inside the app's calls to the library) and resources: two
/// sessions alive at once, each holding the library's `index` resource,
/// which holds the base's `stopwords` resource.
pub fn scenario<R: Report>(r: &mut R) -> Vec<Seen> {
    let docs = docs();
    let mut seen = vec![
        Seen::Lines(r.analyze(&docs, &["the", "a", "and", "on"], 8)),
        Seen::Lines(r.analyze(&docs[..2], &[], 100)),
        Seen::Lines(r.analyze(&[], &["x"], 3)),
        Seen::Text(r.describe("corpus", &docs)),
        Seen::Text(r.describe("", &[])),
    ];
    let first = r.session("first");
    let second = r.session("second");
    for doc in &docs {
        seen.push(Seen::Count(r.feed(&first, doc)));
    }
    seen.push(Seen::Count(r.feed(&second, "cat café cat")));
    for word in ["cat", "CAT", "café", "東京", "zebra", "the"] {
        seen.push(Seen::Count(r.count(&first, word)));
        seen.push(Seen::Count(r.count(&second, word)));
    }
    for prefix in ["c", "word1", "", "naï", "q"] {
        seen.push(Seen::Lines(r.complete(&first, prefix)));
    }
    seen.push(Seen::Text(r.summary(&first)));
    r.close(first);
    seen.push(Seen::Lines(r.complete(&second, "ca")));
    seen.push(Seen::Text(r.summary(&second)));
    r.close(second);
    seen
}

/// The logic called natively.
pub struct Native;

impl Report for Native {
    type Session = app::Session<app::Native>;
    fn analyze(&mut self, docs: &[String], stopwords: &[&str], n: u32) -> Vec<Line> {
        let stopwords = stopwords.iter().map(|s| s.to_string()).collect();
        app::analyze(&app::Native, docs, stopwords, n)
    }
    fn describe(&mut self, name: &str, docs: &[String]) -> String {
        app::describe(&app::Native, name, docs)
    }
    fn session(&mut self, name: &str) -> Self::Session {
        app::Session::new(app::Native, name)
    }
    fn feed(&mut self, session: &Self::Session, text: &str) -> u32 {
        session.feed(text)
    }
    fn count(&mut self, session: &Self::Session, word: &str) -> u32 {
        session.count(word)
    }
    fn complete(&mut self, session: &Self::Session, prefix: &str) -> Vec<Line> {
        session.complete(prefix)
    }
    fn summary(&mut self, session: &Self::Session) -> String {
        session.summary()
    }
    fn close(&mut self, session: Self::Session) {
        drop(session);
    }
}

/// A linked component instantiated on weft's runtime.
pub struct Linked {
    store: Store<()>,
    instance: Instance,
}

impl Linked {
    /// Instantiates `bytes`, which must need no imports, or (with
    /// `trap_unknown`) only imports it does not call.
    pub fn new(bytes: &[u8], trap_unknown: bool) -> Linked {
        let engine = Engine::default();
        let component = Component::new(&engine, bytes).expect("the linked component loads");
        let mut store = Store::new(&engine, ());
        let linker = Linker::new(&engine);
        let instance = if trap_unknown {
            linker.instantiate_trapping_unknown(&mut store, &component)
        } else {
            linker.instantiate(&mut store, &component)
        }
        .expect("the linked component instantiates");
        Linked { store, instance }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Option<Val> {
        let full = format!("{REPORT}#{name}");
        let func = self
            .instance
            .get_func(&mut self.store, &full)
            .unwrap_or_else(|| panic!("no export {full}"));
        let results = func
            .call(&mut self.store, args)
            .unwrap_or_else(|e| panic!("{full}: {e}"));
        results.into_iter().next()
    }
}

fn strings(items: &[String]) -> Val {
    Val::List(items.iter().map(|s| Val::String(s.clone())).collect())
}

fn string(val: Option<Val>) -> String {
    match val {
        Some(Val::String(s)) => s,
        other => panic!("expected a string, got {other:?}"),
    }
}

fn count(val: Option<Val>) -> u32 {
    match val {
        Some(Val::U32(n)) => n,
        other => panic!("expected a u32, got {other:?}"),
    }
}

fn lines(val: Option<Val>) -> Vec<Line> {
    let Some(Val::List(items)) = val else {
        panic!("expected a list, got {val:?}");
    };
    items
        .into_iter()
        .map(|item| match item {
            Val::Record(fields) => match fields.as_slice() {
                [(w, Val::String(word)), (c, Val::U32(count)), (f, Val::Option(first))]
                    if w == "word" && c == "count" && f == "first" =>
                {
                    Line {
                        word: word.clone(),
                        count: *count,
                        first: first.as_deref().map(|v| match v {
                            Val::U32(n) => *n,
                            other => panic!("expected a u32, got {other:?}"),
                        }),
                    }
                }
                other => panic!("expected a line, got {other:?}"),
            },
            other => panic!("expected a record, got {other:?}"),
        })
        .collect()
}

impl Report for Linked {
    type Session = Resource;
    fn analyze(&mut self, docs: &[String], stopwords: &[&str], n: u32) -> Vec<Line> {
        let stopwords: Vec<String> = stopwords.iter().map(|s| s.to_string()).collect();
        lines(self.call(
            "analyze",
            &[strings(docs), strings(&stopwords), Val::U32(n)],
        ))
    }
    fn describe(&mut self, name: &str, docs: &[String]) -> String {
        string(self.call("describe", &[Val::String(name.into()), strings(docs)]))
    }
    fn session(&mut self, name: &str) -> Resource {
        match self.call("[constructor]session", &[Val::String(name.into())]) {
            Some(Val::Own(session)) => session,
            other => panic!("expected a session, got {other:?}"),
        }
    }
    fn feed(&mut self, session: &Resource, text: &str) -> u32 {
        count(self.call(
            "[method]session.feed",
            &[Val::Borrow(*session), Val::String(text.into())],
        ))
    }
    fn count(&mut self, session: &Resource, word: &str) -> u32 {
        count(self.call(
            "[method]session.count",
            &[Val::Borrow(*session), Val::String(word.into())],
        ))
    }
    fn complete(&mut self, session: &Resource, prefix: &str) -> Vec<Line> {
        lines(self.call(
            "[method]session.complete",
            &[Val::Borrow(*session), Val::String(prefix.into())],
        ))
    }
    fn summary(&mut self, session: &Resource) -> String {
        string(self.call("[method]session.summary", &[Val::Borrow(*session)]))
    }
    fn close(&mut self, session: Resource) {
        session
            .drop(&mut self.store)
            .expect("dropping a session runs its destructor");
    }
}
