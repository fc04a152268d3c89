// The demo web app: a page showing the commit it was built from, and a visit counter kept on the
// environment's volume (/data), so a re-deploy can be seen to keep data.
package main

import (
	"fmt"
	"html"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Set at build time: go build -ldflags "-X main.commit=$CI_COMMIT_SHA".
var commit = "unknown"

func main() {
	dataDir := getenv("DATA_DIR", "/data")
	counter := &visits{file: filepath.Join(dataDir, "visits")}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, commit) })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		count, err := counter.next()
		if err != nil {
			log.Printf("visit counter: %v", err)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, page, html.EscapeString(commit), html.EscapeString(shortSha(commit)), count)
	})
	addr := ":" + getenv("PORT", "8080")
	log.Printf("hello %s listening on %s", shortSha(commit), addr)
	log.Fatal(http.ListenAndServe(addr, nil))
}

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hello</title></head>
<body style="font-family: sans-serif; margin: 3rem">
<h1>Hello from Gantry's demo</h1>
<p>Deployed commit: <code title="%s">%s</code></p>
<p>Visits kept on this environment's volume: %d</p>
</body></html>
`

// visits counts page views in a file, so the count outlives the container.
type visits struct {
	mu   sync.Mutex
	file string
}

func (v *visits) next() (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	data, err := os.ReadFile(v.file)
	if err != nil && !os.IsNotExist(err) {
		return 0, err
	}
	count, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	count++
	return count, os.WriteFile(v.file, []byte(strconv.Itoa(count)+"\n"), 0o644)
}

func shortSha(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

func getenv(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}
