//! Compiles `proto/precis/v1/precis.proto` with protox (pure Rust, no system
//! `protoc`) and writes the encoded descriptor set for server reflection.

use std::{env, fs, path::PathBuf};

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let descriptors = protox::compile(["precis/v1/precis.proto"], ["proto"])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out_dir.join("precis_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;
    // Messages derive serde::Serialize so the JSONL CLI prints exactly the
    // gRPC responses (one conversion path); enum fields print as names.
    let mut builder =
        tonic_prost_build::configure().type_attribute(".precis.v1", "#[derive(serde::Serialize)]");
    // Maps as BTreeMap: deterministic JSON output.
    builder = builder.btree_map(".");
    for message in ["Sentence", "ScoredSentence", "TranslationSegment"] {
        builder = builder.field_attribute(
            format!(".precis.v1.{message}.kind"),
            "#[serde(serialize_with = \"crate::api::convert::serialize_kind\")]",
        );
    }
    // The JSONL contract names the language `lang`.
    for message in [
        "SegmentResponse",
        "SummarizeResponse",
        "PrepareResponse",
        "ProcessResponse",
    ] {
        builder = builder.field_attribute(
            format!(".precis.v1.{message}.language"),
            "#[serde(rename = \"lang\")]",
        );
    }
    // The generated services encode with a codec that sizes its buffer
    // first (src/api/codec.rs).
    builder
        .codec_path("crate::api::codec::SizedProstCodec")
        .build_server(true)
        .build_client(true)
        .compile_fds(descriptors)?;
    Ok(())
}
