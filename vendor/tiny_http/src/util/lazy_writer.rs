// RESTume patch: a write buffer that exists only while a response is being
// written. A `BufWriter` per connection keeps its buffer for the life of the
// connection: with a thread and a connection per client that is 8 KiB per
// idle keep-alive client; this one frees it at every `flush`, which ends
// every response.

use std::io::{Result as IoResult, Write};

pub struct LazyBufWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
    capacity: usize,
}

impl<W: Write> LazyBufWriter<W> {
    pub fn with_capacity(capacity: usize, inner: W) -> LazyBufWriter<W> {
        LazyBufWriter {
            inner,
            buf: Vec::new(),
            capacity,
        }
    }

    /// The writer underneath, to write past the buffer (an empty one: only
    /// between answers).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    fn write_out(&mut self) -> IoResult<()> {
        let out = self.inner.write_all(&self.buf);
        self.buf.clear();
        out
    }
}

impl<W: Write> Write for LazyBufWriter<W> {
    fn write(&mut self, data: &[u8]) -> IoResult<usize> {
        if self.buf.len() + data.len() > self.capacity {
            self.write_out()?;
        }
        if data.len() >= self.capacity {
            return self.inner.write(data);
        }
        if self.buf.capacity() == 0 {
            self.buf.reserve_exact(self.capacity);
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> IoResult<()> {
        let out = self.write_out();
        self.buf = Vec::new();
        out?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for LazyBufWriter<W> {
    fn drop(&mut self) {
        let _ = self.write_out();
    }
}

#[cfg(test)]
mod test {
    use super::LazyBufWriter;
    use std::io::Write;

    #[test]
    fn buffers_until_flush_and_then_frees() {
        let mut out = Vec::new();
        {
            let mut w = LazyBufWriter::with_capacity(8, &mut out);
            w.write_all(b"abc").unwrap();
            w.write_all(b"def").unwrap();
            assert_eq!(w.buf.len(), 6);
            w.write_all(b"ghi").unwrap(); // over capacity: the buffer goes first
            w.write_all(b"0123456789").unwrap(); // bigger than the buffer: direct
            w.flush().unwrap();
            assert_eq!(w.buf.capacity(), 0);
        }
        assert_eq!(out, b"abcdefghi0123456789");
    }
}
