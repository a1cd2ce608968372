//! `bunary`: migrations from the command line. Everything it does is `bunary_orm::cli`, which
//! an application's own binary can run too (with its Rust migrations registered).
#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bunary: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(bunary_orm::cli::run_from_env(Vec::new()))
}
