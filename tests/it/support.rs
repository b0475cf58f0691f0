//! A real server on an ephemeral loopback port, with its own shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use precis::api::pb::precis_client::PrecisClient;
use precis::server::{self, ServerConfig};
use tokio::sync::oneshot;
use tonic::transport::Channel;

pub const SEED_ARTICLE: &str = include_str!("../../examples/seed_article.txt");

pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_with(ServerConfig {
            drain_grace: Duration::from_millis(10),
            ..ServerConfig::default()
        })
        .await
    }

    pub async fn start_with(config: ServerConfig) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            server::run(listener, config, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        TestServer {
            addr,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    pub async fn channel(&self) -> Channel {
        let endpoint = format!("http://{}", self.addr);
        for _ in 0..100 {
            if let Ok(channel) = Channel::from_shared(endpoint.clone())
                .unwrap()
                .connect()
                .await
            {
                return channel;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("server did not come up at {endpoint}");
    }

    pub async fn client(&self) -> PrecisClient<Channel> {
        PrecisClient::new(self.channel().await)
    }

    /// Triggers shutdown and waits for the server task to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            tokio::time::timeout(Duration::from_secs(10), handle)
                .await
                .expect("server drains within 10 s")
                .expect("server task");
        }
    }
}

/// Runs the `precis` binary with `args`, writes `input` to its stdin, and
/// returns its stdout parsed as JSON Lines and whether it exited 0.
pub fn run_binary(args: &[&str], input: &str) -> (Vec<serde_json::Value>, bool) {
    let output = binary_output(args, &[], input);
    let lines = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, output.status.success())
}

/// Runs the `precis` binary with `args` and the environment variables
/// `env` set (or removed, for `None`), writes `input` to its stdin, and
/// returns what it wrote and its exit status.
pub fn binary_output(
    args: &[&str],
    env: &[(&str, Option<&str>)],
    input: &str,
) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut command = Command::new(env!("CARGO_BIN_EXE_precis"));
    command.args(args);
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
