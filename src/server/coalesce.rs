//! Write coalescing for accepted connections.
//!
//! h2 flushes its socket after every DATA frame it queues, and a client's
//! maximum frame size (16 KB unless it asks for more) cuts a ~36 KB Process
//! answer into three frames: four `writev` per answer with the trailers,
//! each a separate loopback or network delivery and a separate wake-up of
//! the client. [`Coalesced`] wraps an accepted stream: writes go to a queue,
//! and a per-connection writer task, woken by `poll_flush`, sends the queue.
//! The writer runs once the connection task yields, so every frame that
//! task produced in one poll goes out in one `write`.
//!
//! The contract with the layer above is that of a buffered writer whose
//! flush is "send as soon as possible": `poll_flush` never waits for the
//! socket. The queue is bounded (writes wait for the writer above
//! [`QUEUE_LIMIT`]), a write error ends the connection at its next write or
//! flush, and `poll_shutdown` waits until the queue is sent. When the
//! connection is dropped without a shutdown, the writer sends what the
//! socket takes without waiting and closes it: what h2 would have lost
//! with its own buffer.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf, ReadHalf, WriteHalf};
use tonic::transport::server::Connected;

/// The most bytes queued per connection; writes beyond it wait for the
/// writer (whose own buffer holds as much again while it is being sent).
pub const QUEUE_LIMIT: usize = 256 * 1024;

/// Capacity the writer keeps for its next batch; a larger buffer, grown for
/// a large answer, is freed once sent, so idle connections stay small.
const KEEP_CAPACITY: usize = 64 * 1024;

/// An accepted stream whose writes are coalesced by a writer task (see the
/// module documentation). Must be created inside a tokio runtime.
pub struct Coalesced<T: Connected> {
    read: ReadHalf<T>,
    shared: Arc<Shared>,
    info: T::ConnectInfo,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Written by the connection, not yet taken by the writer.
    queued: Vec<u8>,
    /// The writer's first error; every later write or flush returns it.
    error: Option<(io::ErrorKind, String)>,
    /// The connection asked for a shutdown once the queue is sent.
    shutdown: bool,
    /// The connection is gone: send what the socket takes, then close.
    detached: bool,
    /// The writer has exited (shut down, failed or detached).
    finished: bool,
    /// The writer, waiting for bytes or for the socket.
    writer: Option<Waker>,
    /// The connection, waiting for room in the queue or for the shutdown.
    connection: Option<Waker>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock leaves consistent state (plain
        // field writes), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    fn error(&self) -> Option<io::Error> {
        self.error
            .as_ref()
            .map(|(kind, message)| io::Error::new(*kind, message.clone()))
    }

    fn wake_writer(&mut self) {
        if let Some(waker) = self.writer.take() {
            waker.wake();
        }
    }

    /// The writer has nothing it can do now: it waits to be woken, or ends
    /// if the connection is gone (dropping its half of the socket).
    fn park_writer(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.detached {
            self.finished = true;
            return Poll::Ready(());
        }
        self.writer = Some(cx.waker().clone());
        Poll::Pending
    }

    fn wake_connection(&mut self) {
        if let Some(waker) = self.connection.take() {
            waker.wake();
        }
    }
}

impl<T> Coalesced<T>
where
    T: Connected + AsyncRead + AsyncWrite + Send + 'static,
{
    /// Splits `stream` and spawns its writer task on the current runtime.
    pub fn new(stream: T) -> Coalesced<T> {
        let info = stream.connect_info();
        let (read, write) = tokio::io::split(stream);
        let shared = Arc::new(Shared::default());
        tokio::spawn(Writer {
            sink: write,
            shared: Arc::clone(&shared),
            sending: Vec::new(),
            sent: 0,
        });
        Coalesced { read, shared, info }
    }
}

// No field is structurally pinned (the read half is an `Arc`).
impl<T: Connected> Unpin for Coalesced<T> {}

impl<T: Connected> Connected for Coalesced<T> {
    type ConnectInfo = T::ConnectInfo;

    fn connect_info(&self) -> T::ConnectInfo {
        self.info.clone()
    }
}

impl<T: Connected + AsyncRead> AsyncRead for Coalesced<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.read).poll_read(cx, buf)
    }
}

impl<T: Connected> Coalesced<T> {
    /// Queues as much of `bufs` as the queue has room for.
    fn poll_queue(
        &self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut state = self.shared.lock();
        if let Some(error) = state.error() {
            return Poll::Ready(Err(error));
        }
        if state.finished {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        let room = QUEUE_LIMIT.saturating_sub(state.queued.len());
        if room == 0 {
            state.connection = Some(cx.waker().clone());
            state.wake_writer();
            return Poll::Pending;
        }
        // A partial write when the queue is nearly full: the caller writes
        // the rest once the writer has taken the queue.
        let mut n = 0;
        for buf in bufs {
            let take = buf.len().min(room - n);
            state.queued.extend_from_slice(&buf[..take]);
            n += take;
            if n == room {
                break;
            }
        }
        Poll::Ready(Ok(n))
    }
}

impl<T: Connected> AsyncWrite for Coalesced<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_queue(cx, &[io::IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_queue(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut state = self.shared.lock();
        if let Some(error) = state.error() {
            return Poll::Ready(Err(error));
        }
        if !state.queued.is_empty() {
            state.wake_writer();
        }
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut state = self.shared.lock();
        if state.finished {
            return Poll::Ready(state.error().map_or(Ok(()), Err));
        }
        state.shutdown = true;
        state.connection = Some(cx.waker().clone());
        state.wake_writer();
        Poll::Pending
    }
}

impl<T: Connected> Drop for Coalesced<T> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.detached = true;
        state.wake_writer();
    }
}

/// The writer task: sends the queue, in whole batches, until the
/// connection shuts down, fails or goes away.
struct Writer<T> {
    sink: WriteHalf<T>,
    shared: Arc<Shared>,
    /// The batch being sent, and how much of it the socket has taken.
    sending: Vec<u8>,
    sent: usize,
}

impl<T: AsyncWrite> Writer<T> {
    /// Ends the writer, after a shutdown (`Ok`) or on the socket's error.
    fn finish(&mut self, result: io::Result<()>) -> Poll<()> {
        let mut state = self.shared.lock();
        if let Err(error) = result {
            state.error = Some((error.kind(), error.to_string()));
        }
        state.finished = true;
        state.wake_connection();
        Poll::Ready(())
    }
}

impl<T: AsyncWrite> std::future::Future for Writer<T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        loop {
            while this.sent < this.sending.len() {
                match Pin::new(&mut this.sink).poll_write(cx, &this.sending[this.sent..]) {
                    Poll::Ready(Ok(0)) => return this.finish(Err(io::ErrorKind::WriteZero.into())),
                    Poll::Ready(Ok(n)) => this.sent += n,
                    Poll::Ready(Err(error)) => return this.finish(Err(error)),
                    Poll::Pending => return this.shared.lock().park_writer(cx),
                }
            }
            this.sending.clear();
            this.sent = 0;
            if this.sending.capacity() > KEEP_CAPACITY {
                this.sending = Vec::new();
            }

            let mut state = this.shared.lock();
            if !state.queued.is_empty() {
                std::mem::swap(&mut state.queued, &mut this.sending);
                state.wake_connection();
                continue;
            }
            if !state.shutdown {
                return state.park_writer(cx);
            }
            drop(state);
            return match Pin::new(&mut this.sink).poll_shutdown(cx) {
                Poll::Ready(result) => this.finish(result),
                Poll::Pending => this.shared.lock().park_writer(cx),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    use super::*;

    /// One end of a duplex pipe that counts the writes reaching it.
    struct Probe {
        inner: DuplexStream,
        writes: Arc<AtomicUsize>,
    }

    fn probe(capacity: usize) -> (DuplexStream, Probe, Arc<AtomicUsize>) {
        let (peer, inner) = tokio::io::duplex(capacity);
        let writes = Arc::new(AtomicUsize::new(0));
        let probe = Probe {
            inner,
            writes: Arc::clone(&writes),
        };
        (peer, probe, writes)
    }

    impl Connected for Probe {
        type ConnectInfo = ();
        fn connect_info(&self) {}
    }

    impl AsyncRead for Probe {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for Probe {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let written = Pin::new(&mut self.inner).poll_write(cx, buf);
            if let Poll::Ready(Ok(n)) = written
                && n > 0
            {
                self.writes.fetch_add(1, Ordering::Relaxed);
            }
            written
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_shutdown(cx)
        }
    }

    /// Bytes 0, 1, ... 250, 0, 1, ...: a misplaced or lost chunk shows.
    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    /// What h2 does with a 36 KB answer for a client with 16 KB frames:
    /// header and first frame, two more frames, the trailers, with a flush
    /// after each and no yield in between.
    fn answer() -> Vec<Vec<u8>> {
        let bytes = pattern(36 * 1024);
        let mut frames: Vec<Vec<u8>> = bytes.chunks(16 * 1024).map(<[u8]>::to_vec).collect();
        frames.push(b"trailers".to_vec());
        frames
    }

    async fn write_in_one_poll(conn: &mut Coalesced<Probe>, frames: &[Vec<u8>]) {
        poll_fn(|cx| {
            for frame in frames {
                let written = Pin::new(&mut *conn).poll_write(cx, frame);
                assert!(matches!(written, Poll::Ready(Ok(n)) if n == frame.len()));
                assert!(matches!(
                    Pin::new(&mut *conn).poll_flush(cx),
                    Poll::Ready(Ok(()))
                ));
            }
            Poll::Ready(())
        })
        .await;
    }

    #[tokio::test]
    async fn the_frames_of_one_poll_go_out_in_one_write() {
        let (mut peer, probe, writes) = probe(1 << 20);
        let mut conn = Coalesced::new(probe);
        let frames = answer();
        write_in_one_poll(&mut conn, &frames).await;

        let mut received = vec![0; frames.iter().map(Vec::len).sum()];
        peer.read_exact(&mut received).await.unwrap();
        assert_eq!(received, frames.concat());
        assert_eq!(writes.load(Ordering::Relaxed), 1);

        // The next answer is a write of its own, not held back.
        write_in_one_poll(&mut conn, &frames).await;
        peer.read_exact(&mut received).await.unwrap();
        assert_eq!(received, frames.concat());
        assert_eq!(writes.load(Ordering::Relaxed), 2);
    }

    #[tokio::test]
    async fn bytes_arrive_whole_and_in_order_through_a_slow_pipe() {
        // An 8 KB pipe and 2 MB of writes of uneven sizes: partial writes,
        // a full queue and a writer waiting for the socket, all on the way.
        let (mut peer, probe, _) = probe(8 * 1024);
        let mut conn = Coalesced::new(probe);
        let bytes = pattern(2 << 20);
        let sender = async {
            let mut rest = &bytes[..];
            let mut size = 1;
            while !rest.is_empty() {
                size = (size * 7 + 3) % 40_000 + 1;
                let (chunk, tail) = rest.split_at(size.min(rest.len()));
                conn.write_all(chunk).await.unwrap();
                if size % 3 == 0 {
                    conn.flush().await.unwrap();
                }
                rest = tail;
            }
            conn.shutdown().await.unwrap();
        };
        let mut received = Vec::new();
        let receiver = peer.read_to_end(&mut received);
        let ((), read) = tokio::join!(sender, receiver);
        read.unwrap();
        assert_eq!(received.len(), bytes.len());
        assert!(received == bytes);
    }

    #[tokio::test]
    async fn writes_wait_once_the_queue_is_full() {
        let (mut peer, probe, _) = probe(1024);
        let mut conn = Coalesced::new(probe);
        let chunk = pattern(16 * 1024);
        let mut accepted = 0;
        loop {
            let written =
                poll_fn(|cx| Poll::Ready(Pin::new(&mut conn).poll_write(cx, &chunk))).await;
            match written {
                Poll::Ready(Ok(n)) => accepted += n,
                Poll::Ready(Err(error)) => panic!("{error}"),
                Poll::Pending => break,
            }
            // Let the writer take the queue while the pipe has room.
            tokio::task::yield_now().await;
            assert!(
                accepted <= 2 * QUEUE_LIMIT + 1024,
                "{accepted} bytes accepted"
            );
        }
        assert!(accepted >= QUEUE_LIMIT, "{accepted} bytes accepted");

        // Once the peer reads, everything accepted arrives.
        let reader = tokio::spawn(async move {
            let mut received = vec![0; accepted];
            peer.read_exact(&mut received).await.unwrap();
            received
        });
        conn.flush().await.unwrap();
        let received = reader.await.unwrap();
        assert!(
            received
                .chunks(chunk.len())
                .all(|part| part == &chunk[..part.len()])
        );
    }

    #[tokio::test]
    async fn shutdown_sends_the_queue_first() {
        let (mut peer, probe, _) = probe(4 * 1024);
        let mut conn = Coalesced::new(probe);
        let bytes = pattern(100 * 1024);
        let sender = async {
            conn.write_all(&bytes).await.unwrap();
            conn.shutdown().await.unwrap();
        };
        let mut received = Vec::new();
        let ((), read) = tokio::join!(sender, peer.read_to_end(&mut received));
        read.unwrap();
        assert!(received == bytes);
    }

    #[tokio::test]
    async fn a_dropped_connection_sends_what_the_socket_takes_and_closes() {
        let (mut peer, probe, _) = probe(64 * 1024);
        let mut conn = Coalesced::new(probe);
        let bytes = pattern(10 * 1024);
        conn.write_all(&bytes).await.unwrap();
        conn.flush().await.unwrap();
        drop(conn);
        let mut received = Vec::new();
        peer.read_to_end(&mut received).await.unwrap();
        assert!(received == bytes);
    }

    #[tokio::test]
    async fn a_socket_error_reaches_the_next_write() {
        let (peer, probe, _) = probe(1024);
        let mut conn = Coalesced::new(probe);
        drop(peer);
        conn.write_all(b"lost").await.unwrap();
        conn.flush().await.unwrap();
        tokio::task::yield_now().await;
        let error = conn.write_all(b"more").await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(
            conn.flush().await.unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
    }
}
