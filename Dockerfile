# syntax=docker/dockerfile:1
# Precis: multi-stage build -> small, non-root runtime image.
#
#   docker build -t precis .
#   docker run --rm -p 50051:50051 -p 9464:9464 precis
#
# Build stage: the whole toolchain; only the stripped binary leaves it. The
# proto is compiled in pure Rust (protox), so no protoc is needed.
# Any stable Rust >= the crate's rust-version; pin a tag for reproducible builds.
ARG RUST_VERSION=1
FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
# Dependencies first, so source edits do not rebuild them (layer cache).
COPY Cargo.toml Cargo.lock build.rs ./
COPY proto proto
RUN mkdir -p src benches \
    && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && echo 'fn main() {}' > benches/pipeline.rs \
    && cargo build --release --locked \
    && rm -rf src benches
COPY . .
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked \
    && strip target/release/precis

# Runtime stage: distroless (glibc + libgcc, no shell, no package manager),
# running as the image's unprivileged user 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/precis /usr/local/bin/precis
USER 65532:65532
# gRPC (and the health service the probes use), Prometheus metrics.
EXPOSE 50051 9464
ENTRYPOINT ["/usr/local/bin/precis"]
# Inside a container the server must listen on the pod address (kubelet's
# gRPC probes dial the pod IP); keep it off the network with a NetworkPolicy.
CMD ["serve", "--listen", "0.0.0.0:50051", "--metrics-listen", "0.0.0.0:9464", "--log-json"]
