//! The logic of the `link-*` guests as plain Rust.
//!
//! `link-base`, `link-lib` and `link-app` are three components that
//! `weft link` joins into one: the app imports the library's `index`
//! interface, the library imports the base's `text` interface. Each guest
//! is a thin wrapper over a module here, and each layer reaches the one
//! below through a trait ([`lib::Text`], [`app::Indexes`]): in a guest the
//! trait is implemented with the component's imports, here natively
//! ([`lib::Native`], [`app::Native`]). weft-linker's tests call the native
//! composition and compare its results with the linked component's.

/// What `link-base` exports: the `text` interface.
pub mod base {
    use std::collections::BTreeSet;

    /// A word of a text, lower-cased, and its byte offset in the text.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Token {
        /// The word, lower-cased.
        pub word: String,
        /// Where it starts, in bytes.
        pub offset: u32,
    }

    /// The words of `text`: runs of letters and digits, in order.
    pub fn tokenize(text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut start = None;
        let end = std::iter::once((text.len(), ' '));
        for (at, c) in text.char_indices().chain(end) {
            if c.is_alphanumeric() {
                start.get_or_insert(at);
            } else if let Some(from) = start.take() {
                tokens.push(Token {
                    word: text[from..at].to_lowercase(),
                    offset: from as u32,
                });
            }
        }
        tokens
    }

    /// FNV-1a (64 bits) of `word`'s bytes.
    pub fn hash(word: &str) -> u64 {
        word.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }

    /// A set of words to leave out, compared lower-cased.
    #[derive(Debug, Clone, Default)]
    pub struct Stopwords {
        words: BTreeSet<String>,
    }

    impl Stopwords {
        /// The set of `words`.
        pub fn new(words: Vec<String>) -> Stopwords {
            Stopwords {
                words: words.iter().map(|w| w.to_lowercase()).collect(),
            }
        }

        /// Whether `word` is one of them.
        pub fn contains(&self, word: &str) -> bool {
            self.words.contains(&word.to_lowercase())
        }

        /// How many distinct words the set holds.
        pub fn len(&self) -> u32 {
            self.words.len() as u32
        }

        /// Whether the set is empty.
        pub fn is_empty(&self) -> bool {
            self.words.is_empty()
        }
    }
}

/// What `link-lib` exports: the `index` interface, over [`Text`].
pub mod lib {
    use std::collections::BTreeMap;

    use super::base::{self, Token};

    /// What the index needs of the `text` interface.
    pub trait Text {
        /// A set of stopwords (a resource of the base component).
        type Stopwords;
        /// [`base::tokenize`].
        fn tokenize(&self, text: &str) -> Vec<Token>;
        /// [`base::hash`].
        fn hash(&self, word: &str) -> u64;
        /// [`base::Stopwords::new`].
        fn stopwords(&self, words: Vec<String>) -> Self::Stopwords;
        /// [`base::Stopwords::contains`].
        fn is_stopword(&self, stopwords: &Self::Stopwords, word: &str) -> bool;
        /// [`base::Stopwords::len`].
        fn stopword_count(&self, stopwords: &Self::Stopwords) -> u32;
    }

    /// [`Text`] called natively.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Native;

    impl Text for Native {
        type Stopwords = base::Stopwords;
        fn tokenize(&self, text: &str) -> Vec<Token> {
            base::tokenize(text)
        }
        fn hash(&self, word: &str) -> u64 {
            base::hash(word)
        }
        fn stopwords(&self, words: Vec<String>) -> base::Stopwords {
            base::Stopwords::new(words)
        }
        fn is_stopword(&self, stopwords: &base::Stopwords, word: &str) -> bool {
            stopwords.contains(word)
        }
        fn stopword_count(&self, stopwords: &base::Stopwords) -> u32 {
            stopwords.len()
        }
    }

    /// One word's entry.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Hit {
        /// The word, lower-cased.
        pub word: String,
        /// How often it occurs.
        pub count: u32,
        /// Where, across all texts added.
        pub offsets: Vec<u32>,
    }

    /// What [`Index::find`] selects.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Query {
        /// One word.
        Word(String),
        /// The words starting with this.
        Prefix(String),
        /// Every word.
        All,
    }

    /// A word index over texts.
    pub struct Index<T: Text> {
        text: T,
        name: String,
        stopwords: T::Stopwords,
        hits: BTreeMap<String, Hit>,
        /// Bytes of the texts added so far, one more for each: where the
        /// next text's offsets start.
        length: u32,
    }

    impl<T: Text> Index<T> {
        /// An empty index named `name`, leaving out `stopwords`.
        pub fn new(text: T, name: String, stopwords: Vec<String>) -> Index<T> {
            let stopwords = text.stopwords(stopwords);
            Index {
                text,
                name,
                stopwords,
                hits: BTreeMap::new(),
                length: 0,
            }
        }

        /// Indexes `text`; the number of words indexed.
        pub fn add(&mut self, text: &str) -> u32 {
            let mut added = 0;
            for token in self.text.tokenize(text) {
                if self.text.is_stopword(&self.stopwords, &token.word) {
                    continue;
                }
                let hit = self.hits.entry(token.word.clone()).or_insert(Hit {
                    word: token.word,
                    count: 0,
                    offsets: Vec::new(),
                });
                hit.count += 1;
                hit.offsets.push(self.length + token.offset);
                added += 1;
            }
            self.length += text.len() as u32 + 1;
            added
        }

        /// The entry of `word`.
        pub fn lookup(&self, word: &str) -> Option<Hit> {
            self.hits.get(&word.to_lowercase()).cloned()
        }

        /// The hits `query` selects, most frequent first (then by word).
        pub fn find(&self, query: &Query) -> Vec<Hit> {
            let mut hits: Vec<Hit> = match query {
                Query::Word(word) => self.lookup(word).into_iter().collect(),
                Query::Prefix(prefix) => {
                    let prefix = prefix.to_lowercase();
                    self.hits
                        .values()
                        .filter(|hit| hit.word.starts_with(&prefix))
                        .cloned()
                        .collect()
                }
                Query::All => self.hits.values().cloned().collect(),
            };
            hits.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.word.cmp(&b.word)));
            hits
        }

        /// The index's name.
        pub fn name(&self) -> String {
            self.name.clone()
        }

        /// One line: name, words, distinct words, stopwords and a digest of
        /// the words (their hashes combined).
        pub fn summary(&self) -> String {
            let words: u32 = self.hits.values().map(|hit| hit.count).sum();
            let digest = self.hits.keys().fold(0u64, |digest, word| {
                digest.rotate_left(5) ^ self.text.hash(word)
            });
            format!(
                "{}: {words} words, {} distinct, {} stopwords, digest {digest:016x}",
                self.name,
                self.hits.len(),
                self.text.stopword_count(&self.stopwords)
            )
        }
    }
}

/// What `link-app` exports: the `report` interface, over [`Indexes`].
pub mod app {
    use std::cell::RefCell;

    use super::lib::{self, Hit, Query};

    /// What the app needs of the `index` interface.
    pub trait Indexes {
        /// An index (a resource of the library component).
        type Index;
        /// [`lib::Index::new`].
        fn create(&self, name: &str, stopwords: Vec<String>) -> Self::Index;
        /// [`lib::Index::add`].
        fn add(&self, index: &Self::Index, text: &str) -> u32;
        /// [`lib::Index::lookup`].
        fn lookup(&self, index: &Self::Index, word: &str) -> Option<Hit>;
        /// [`lib::Index::find`].
        fn find(&self, index: &Self::Index, query: Query) -> Vec<Hit>;
        /// [`lib::Index::summary`].
        fn summary(&self, index: &Self::Index) -> String;
    }

    /// [`Indexes`] called natively (over [`lib::Native`]).
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Native;

    impl Indexes for Native {
        type Index = RefCell<lib::Index<lib::Native>>;
        fn create(&self, name: &str, stopwords: Vec<String>) -> Self::Index {
            RefCell::new(lib::Index::new(lib::Native, name.to_string(), stopwords))
        }
        fn add(&self, index: &Self::Index, text: &str) -> u32 {
            index.borrow_mut().add(text)
        }
        fn lookup(&self, index: &Self::Index, word: &str) -> Option<Hit> {
            index.borrow().lookup(word)
        }
        fn find(&self, index: &Self::Index, query: Query) -> Vec<Hit> {
            index.borrow().find(&query)
        }
        fn summary(&self, index: &Self::Index) -> String {
            index.borrow().summary()
        }
    }

    /// A line of a report.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Line {
        /// The word.
        pub word: String,
        /// How often it occurs.
        pub count: u32,
        /// Where it first occurs.
        pub first: Option<u32>,
    }

    fn line(hit: Hit) -> Line {
        Line {
            first: hit.offsets.first().copied(),
            word: hit.word,
            count: hit.count,
        }
    }

    /// Indexes `docs` without `stopwords`; the `n` most frequent words.
    pub fn analyze<I: Indexes>(
        lib: &I,
        docs: &[String],
        stopwords: Vec<String>,
        n: u32,
    ) -> Vec<Line> {
        let index = lib.create("analysis", stopwords);
        for doc in docs {
            lib.add(&index, doc);
        }
        let hits = lib.find(&index, Query::All);
        hits.into_iter().take(n as usize).map(line).collect()
    }

    /// The library's summary of an index named `name` over `docs`.
    pub fn describe<I: Indexes>(lib: &I, name: &str, docs: &[String]) -> String {
        let index = lib.create(name, Vec::new());
        for doc in docs {
            lib.add(&index, doc);
        }
        lib.summary(&index)
    }

    /// The stopwords of a [`Session`].
    pub const SESSION_STOPWORDS: [&str; 5] = ["the", "a", "an", "and", "of"];

    /// An index kept across calls.
    pub struct Session<I: Indexes> {
        lib: I,
        index: I::Index,
    }

    impl<I: Indexes> Session<I> {
        /// A session over a new index named `name`.
        pub fn new(lib: I, name: &str) -> Session<I> {
            let stopwords = SESSION_STOPWORDS.iter().map(|w| w.to_string()).collect();
            let index = lib.create(name, stopwords);
            Session { lib, index }
        }

        /// Adds a document; the number of words indexed.
        pub fn feed(&self, text: &str) -> u32 {
            self.lib.add(&self.index, text)
        }

        /// How often `word` occurs.
        pub fn count(&self, word: &str) -> u32 {
            self.lib
                .lookup(&self.index, word)
                .map_or(0, |hit| hit.count)
        }

        /// The lines for the words starting with `prefix`.
        pub fn complete(&self, prefix: &str) -> Vec<Line> {
            let hits = self
                .lib
                .find(&self.index, Query::Prefix(prefix.to_string()));
            hits.into_iter().map(line).collect()
        }

        /// The library's summary of the index.
        pub fn summary(&self) -> String {
            self.lib.summary(&self.index)
        }
    }
}
