package metrics

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Status codes whose counters a route keeps at hand: 100 to 599.
const (
	minCode = 100
	maxCode = 599
)

// Middleware counts the requests next serves under route, a fixed name such
// as "feed" or "status" (never a raw path, which would let clients create
// series), with their status code and duration. The ResponseWriter passed
// to next keeps http.Flusher and io.ReaderFrom (so that a file is still
// sent with sendfile), and unwraps for http.ResponseController.
//
// It is on the path of every feed request, so it does the least it can:
// the counter of each status code is looked up once and kept, and the
// ResponseWriter wrappers are reused, so that a request allocates nothing.
// As net/http requires, next must not use the ResponseWriter once it has
// returned.
func (m *Metrics) Middleware(route string, next http.Handler) http.Handler {
	rm := m.route(route)
	rm.next = next
	rm.writers.New = func() any { return new(statusWriter) }
	return rm
}

// Observer returns a function that counts one request of route answered
// with status code after elapsed, in the series Middleware(route, ...)
// counts in: for the requests of a route that a server answers without
// net/http (publish.Lane). It also counts them as the lane's answers, so
// that the share the lane takes shows. It allocates nothing once each
// code was seen.
func (m *Metrics) Observer(route string) func(code int, elapsed time.Duration) {
	rm, lane := m.route(route), m.laneAnswers.WithLabelValues(route)
	return func(code int, elapsed time.Duration) {
		rm.observe(code, elapsed)
		lane.Inc()
	}
}

// route returns the metrics of route, with no handler.
func (m *Metrics) route(route string) *routeMetrics {
	return &routeMetrics{
		requests: m.httpRequests.MustCurryWith(prometheus.Labels{"route": route}),
		// The histogram exists from the start, so an unused route shows 0.
		duration: m.httpDuration.WithLabelValues(route),
	}
}

// routeMetrics is the Middleware of one route.
type routeMetrics struct {
	next     http.Handler           // nil for an Observer
	requests *prometheus.CounterVec // curried with the route
	duration prometheus.Observer
	codes    [maxCode - minCode + 1]atomic.Pointer[prometheus.Counter] // made on first use
	writers  sync.Pool                                                 // of *statusWriter
}

func (rm *routeMetrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := rm.writers.Get().(*statusWriter)
	sw.ResponseWriter, sw.code = w, 0
	rm.next.ServeHTTP(sw, r)
	code := sw.code
	if code == 0 { // nothing written: net/http answers 200
		code = http.StatusOK
	}
	sw.ResponseWriter = nil
	rm.writers.Put(sw)
	rm.observe(code, time.Since(start))
}

// observe counts one request answered with code after elapsed.
func (rm *routeMetrics) observe(code int, elapsed time.Duration) {
	rm.counter(code).Inc()
	rm.duration.Observe(elapsed.Seconds())
}

// counter returns the request counter of status code.
func (rm *routeMetrics) counter(code int) prometheus.Counter {
	if code < minCode || code > maxCode {
		return rm.requests.WithLabelValues(strconv.Itoa(code))
	}
	slot := &rm.codes[code-minCode]
	if c := slot.Load(); c != nil {
		return *c
	}
	c := rm.requests.WithLabelValues(strconv.Itoa(code))
	slot.Store(&c) // a concurrent first use stores the same counter
	return c
}

// statusWriter records the status code of an answer.
type statusWriter struct {
	http.ResponseWriter
	code int // 0 until the final status is known
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 && code >= 200 { // 1xx answers are interim
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// WriteString keeps the underlying writer's io.StringWriter.
func (w *statusWriter) WriteString(s string) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return io.WriteString(w.ResponseWriter, s)
}

// ReadFrom keeps the underlying writer's io.ReaderFrom, by which net/http
// sends an *os.File with sendfile.
func (w *statusWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, src)
}

// Flush keeps the underlying writer's http.Flusher; it does nothing for
// a writer that cannot flush.
func (w *statusWriter) Flush() {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writerOnly hides every method but Write, so that io.Copy does not call
// ReadFrom again.
type writerOnly struct{ io.Writer }
