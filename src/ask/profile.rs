//! A résumé read once for many questions: its facts, its vocabulary and the
//! words of the person's name. Building these is most of an ask's work that
//! does not depend on the question, so the route keeps them (`cache`) and
//! each question only reads them.

use super::facts::Facts;
use super::normalise;
use super::vocabulary::Vocabulary;

pub struct Profile {
    pub facts: Facts,
    pub vocab: Vocabulary,
    /// The full name's words and the username, which the rules read as "she".
    pub name_words: Vec<String>,
}

impl Profile {
    pub fn new(facts: Facts) -> Profile {
        let vocab = Vocabulary::of(&facts);
        let mut name_words = normalise::words(&facts.full_name);
        name_words.push(facts.username.to_lowercase());
        Profile {
            facts,
            vocab,
            name_words,
        }
    }
}
