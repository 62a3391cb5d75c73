//! The `phonon` command: everything is in the library's `cli` module.

fn main() -> std::process::ExitCode {
    phonon::cli::main()
}
