// The questions of bench/ask.lua, for the Rust that asks them too
// (examples/ask_stages.rs, tests/api/ask_form.rs): keep the three alike.
&[
    "Does she know Rust?",
    "How many years of experience does she have?",
    "How many years of Python?",
    "What is her current role?",
    "Where has she worked before?",
    "Where is she based?",
    "Is she open to work?",
    "What is her education?",
    "Which certifications are still valid?",
    "Which projects use JavaScript?",
    "How can I contact her?",
    "Who is this?",
    "Does she know Haskell and Go?",
    "What is her salary?",
]
