//! Where an ask's time goes inside the engine, stage by stage, on one
//! thread: reading a résumé's facts (from its JSON and from its ask form),
//! the plan of a question, the whole answer, and writing it; with the
//! allocations each makes. Over the public renderings of a database and the
//! 14 questions of `bench/ask.lua`.
//!
//! ```sh
//! cargo run --release --example ask_stages -- path/to/restume.db
//! ```
//!
//! Any database with public résumés will do (a copy of one: it is only
//! read). The figures of the README's Performance section came from a
//! database seeded as `bench/run` seeds it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use restume::ask::{self, Facts};

/// The system allocator, counting.
struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to the system allocator as it came
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

const QUESTIONS: &[&str] = include!("../bench/ask_questions.rs");

/// Mean µs and allocations of `f` over `n` calls.
fn measure(n: usize, mut f: impl FnMut(usize)) -> (f64, f64) {
    let a = ALLOCATIONS.load(Relaxed);
    let t = Instant::now();
    for i in 0..n {
        f(i);
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    (us, (ALLOCATIONS.load(Relaxed) - a) as f64 / n as f64)
}

fn main() {
    let Some(db) = std::env::args().nth(1) else {
        eprintln!("usage: ask_stages path/to/restume.db");
        std::process::exit(2);
    };
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the database opens");
    let renderings: Vec<String> = conn
        .prepare("SELECT json FROM public_renders WHERE json <> '' LIMIT 300")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("public renderings");
    if renderings.is_empty() {
        eprintln!("{db}: no public résumés");
        std::process::exit(1);
    }
    let facts: Vec<Facts> = renderings
        .iter()
        .map(|j| Facts::from_json(j).expect("a rendering"))
        .collect();
    let forms: Vec<Vec<u8>> = facts.iter().map(ask::form::encode).collect();
    let today = ask::today();
    let n = 100_000;
    let nth = |i: usize| i % facts.len();
    let question = |i: usize| QUESTIONS[(i * 7 + i / facts.len()) % QUESTIONS.len()];

    println!("{} résumés, {} calls a stage, one thread", facts.len(), n);
    let (us, al) = measure(n, |i| {
        black_box(Facts::from_json(&renderings[nth(i)]).expect("a rendering"));
    });
    println!("  facts from the JSON  {us:6.2} µs  {al:5.1} allocations");
    let (us, al) = measure(n, |i| {
        let mut pool = Vec::new();
        black_box(ask::form::decode(&forms[nth(i)], &mut pool).expect("a form"));
    });
    println!("  facts from the form  {us:6.2} µs  {al:5.1} allocations");
    let (us, al) = measure(n, |i| {
        black_box(ask::plan::plan(&facts[nth(i)], question(i), None));
    });
    println!("  plan                 {us:6.2} µs  {al:5.1} allocations");
    let (us, al) = measure(n, |i| {
        black_box(ask::answer(&facts[nth(i)], question(i), today, None));
    });
    println!("  answer (with plan)   {us:6.2} µs  {al:5.1} allocations");
    let answers: Vec<_> = (0..facts.len())
        .map(|i| ask::answer(&facts[i], question(i), today, None).body)
        .collect();
    let (us, al) = measure(n, |i| {
        black_box(serde_json::to_vec(&answers[nth(i)]).expect("serialises"));
    });
    println!("  writing the answer   {us:6.2} µs  {al:5.1} allocations");

    println!("by question (answer with plan, over every résumé):");
    for q in QUESTIONS {
        let (us, al) = measure(facts.len() * 20, |i| {
            black_box(ask::answer(&facts[nth(i)], q, today, None));
        });
        println!("  {q:45} {us:6.2} µs  {al:5.1} allocations");
    }
}
