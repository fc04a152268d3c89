// Command log-producer writes log lines at a steady rate when asked, for
// bench/environment-operations.bench.ts. It runs as a container's only process (a FROM scratch
// image), so everything it writes to stdout is the container's log.
//
// Idle, it writes a heartbeat line every 100 ms and looks for the control file /produce every
// 10 ms. The file holds "<tag> <bytes per second> <seconds>"; the producer removes it and writes
// lines of exactly 200 bytes (newline included) at that rate for that long, paced per 10 ms tick,
// then an end line, then goes back to idle. Every line starts with the producer's clock:
//
//	<unix microseconds, 16 digits> <tag> <sequence, 10 digits> xxxx…   a burst line
//	<unix microseconds> <tag> end lines=<n> seconds=<s> max_late_ms=<ms>
//	<unix microseconds> idle <sequence>
//
// The standard library only: it is built with CGO_ENABLED=0 into a static binary.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

const (
	controlFile = "/produce"
	lineBytes   = 200
	tick        = 10 * time.Millisecond
	heartbeat   = 100 * time.Millisecond
	// Lines written in one write(2): conmon reads its pipe 8 KiB at a time, so a large write would
	// carry timestamps taken long before its last lines reach the pipe.
	linesPerWrite = 40
)

func main() {
	var seq uint64
	lastBeat := time.Time{}
	for {
		if request, ok := readControl(); ok {
			burst(request)
			lastBeat = time.Time{}
			continue
		}
		if now := time.Now(); now.Sub(lastBeat) >= heartbeat {
			fmt.Fprintf(os.Stdout, "%016d idle %d\n", now.UnixMicro(), seq)
			seq++
			lastBeat = now
		}
		time.Sleep(tick)
	}
}

type request struct {
	tag            string
	bytesPerSecond int
	seconds        int
}

// readControl reads and removes the control file; false when there is none or it is malformed.
func readControl() (request, bool) {
	data, err := os.ReadFile(controlFile)
	if err != nil {
		return request{}, false
	}
	os.Remove(controlFile)
	fields := strings.Fields(string(data))
	if len(fields) != 3 {
		fmt.Fprintf(os.Stdout, "%016d control file ignored: %q\n", time.Now().UnixMicro(), data)
		return request{}, false
	}
	rate, err1 := strconv.Atoi(fields[1])
	seconds, err2 := strconv.Atoi(fields[2])
	if err1 != nil || err2 != nil || rate <= 0 || seconds <= 0 {
		fmt.Fprintf(os.Stdout, "%016d control file ignored: %q\n", time.Now().UnixMicro(), data)
		return request{}, false
	}
	return request{tag: fields[0], bytesPerSecond: rate, seconds: seconds}, true
}

// burst writes the request's lines, one tick's share every 10 ms; a tick that starts late (the
// pipe was full) still writes its share, so the line count is exact and lateness is reported.
func burst(r request) {
	perTick := r.bytesPerSecond / int(time.Second/tick) / lineBytes
	if perTick < 1 {
		perTick = 1
	}
	ticks := r.seconds * int(time.Second/tick)
	// "<16 digits> <tag> <10 digits> " then padding up to the line's end.
	padding := lineBytes - (16 + 1 + len(r.tag) + 1 + 10 + 1) - 1
	if padding < 0 {
		padding = 0
	}
	pad := bytes.Repeat([]byte{'x'}, padding)
	buffer := make([]byte, 0, linesPerWrite*(lineBytes+len(r.tag)))
	var seq uint64
	var maxLate time.Duration
	start := time.Now()
	for i := 0; i < ticks; i++ {
		due := start.Add(time.Duration(i) * tick)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		} else if late := -wait; late > maxLate {
			maxLate = late
		}
		for written := 0; written < perTick; {
			n := min(linesPerWrite, perTick-written)
			micros := time.Now().UnixMicro()
			buffer = buffer[:0]
			for j := 0; j < n; j++ {
				buffer = fmt.Appendf(buffer, "%016d %s %010d ", micros, r.tag, seq)
				buffer = append(buffer, pad...)
				buffer = append(buffer, '\n')
				seq++
			}
			os.Stdout.Write(buffer)
			written += n
		}
	}
	elapsed := time.Since(start)
	fmt.Fprintf(os.Stdout, "%016d %s end lines=%d seconds=%.3f max_late_ms=%.1f\n",
		time.Now().UnixMicro(), r.tag, seq, elapsed.Seconds(), float64(maxLate)/float64(time.Millisecond))
}
