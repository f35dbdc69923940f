//! Writes each target's seeds into `DIR/<target>/`, for `cargo xtask fuzz` to start from.

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: seeds DIR");
        std::process::exit(2);
    };
    for target in burrow_fuzz::seeds::TARGETS {
        let folder = std::path::Path::new(&dir).join(target);
        std::fs::create_dir_all(&folder)?;
        for (i, seed) in burrow_fuzz::seeds::for_target(target).iter().enumerate() {
            std::fs::write(folder.join(format!("seed-{i}")), seed)?;
        }
    }
    Ok(())
}
