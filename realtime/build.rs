//! Compiles flagd's protocol definitions (proto/) into Rust with a pure-Rust proto compiler
//! (protox): nothing is downloaded and no `protoc` is needed at build time.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "proto/flagd/sync/v1/sync.proto",
        "proto/flagd/evaluation/v1/evaluation.proto",
        "proto/flagd/evaluation/v2/evaluation.proto",
    ];
    for f in files {
        println!("cargo:rerun-if-changed={f}");
    }
    let descriptors = protox::compile(files, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(descriptors)?;
    Ok(())
}
