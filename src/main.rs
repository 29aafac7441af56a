/// Small blocks by size class, cached per handler stack (`memory::heap`).
#[global_allocator]
static ALLOC: restume::memory::SlotAlloc = restume::memory::SlotAlloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(restume::cli::run(&args));
}
