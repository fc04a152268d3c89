package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	remotecommandconsts "k8s.io/apimachinery/pkg/util/remotecommand"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	remotecommandserver "k8s.io/kubelet/pkg/cri/streaming/remotecommand"
)

// execIdleTimeout is the kubelet's default streaming idle timeout.
const execIdleTimeout = 4 * time.Hour

// server answers the kubelet requests the API server makes for the rig's nodes (/containerLogs, /exec)
// and the metrics API the aggregator forwards. Callers are known by their client certificates (signed by
// the rig's CA, which the TLS handshake checks): the API server's kubelet client for the kubelet paths,
// its front proxy for the metrics API.
type server struct {
	rt             *fakeRuntime
	pods           corev1client.PodsGetter
	kubeletClients map[string]bool
	proxyClients   map[string]bool
}

func (s *server) routes(metrics metricsAPI) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	})
	fromAPIServer := func(next http.HandlerFunc) http.HandlerFunc { return onlyFrom(s.kubeletClients, next) }
	mux.HandleFunc("GET /containerLogs/{namespace}/{pod}/{container}", fromAPIServer(s.containerLogs))
	mux.HandleFunc("/exec/{namespace}/{pod}/{container}", fromAPIServer(s.exec))
	mux.HandleFunc("/exec/{namespace}/{pod}/{uid}/{container}", fromAPIServer(s.exec))
	metrics.register(mux, func(next http.HandlerFunc) http.HandlerFunc { return onlyFrom(s.proxyClients, next) })
	return mux
}

// onlyFrom lets through requests whose verified client certificate has one of the common names.
func onlyFrom(names map[string]bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			http.Error(w, "Unauthorized: a client certificate signed by the rig's CA is required", http.StatusUnauthorized)
			return
		}
		if name := r.TLS.VerifiedChains[0][0].Subject.CommonName; !names[name] {
			http.Error(w, fmt.Sprintf("Forbidden: %q may not use %s", name, r.URL.Path), http.StatusForbidden)
			return
		}
		next(w, r)
	}
}

// podError is an answer the kubelet gives in plain text.
type podError struct {
	code    int
	message string
}

// container finds a pod of the rig's nodes and one of its containers (404s as the kubelet words them),
// and brings the fake runtime up to date with the pod as the API server has it now.
func (s *server) container(ctx context.Context, namespace, name, container string) (*v1.Pod, *v1.Container, *podError) {
	pod, err := s.pods.Pods(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) || err == nil && !s.rt.runs(pod) {
		return nil, nil, &podError{http.StatusNotFound, fmt.Sprintf("pod %q does not exist", name)}
	}
	if err != nil {
		return nil, nil, &podError{http.StatusInternalServerError, err.Error()}
	}
	spec := containerSpec(pod, container)
	if spec == nil {
		return nil, nil, &podError{http.StatusNotFound, fmt.Sprintf("container %q not found in pod %q", container, name)}
	}
	s.rt.sync(pod)
	return pod, spec, nil
}

func containerSpec(pod *v1.Pod, name string) *v1.Container {
	for _, containers := range [][]v1.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for i := range containers {
			if containers[i].Name == name {
				return &containers[i]
			}
		}
	}
	return nil
}

func (s *server) containerLogs(w http.ResponseWriter, r *http.Request) {
	options, err := parseLogOptions(r.URL.Query(), time.Now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	name := r.PathValue("container")
	pod, _, failure := s.container(r.Context(), r.PathValue("namespace"), r.PathValue("pod"), name)
	if failure != nil {
		http.Error(w, failure.message, failure.code)
		return
	}
	run, err := logRun(pod, name, options.previous)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	path, file, err := s.rt.logSource(pod.UID, name, run)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	flush := w.(http.Flusher).Flush
	flush()
	if err := copyLog(r.Context(), w, flush, path, file, options); err != nil && err != errLimitReached {
		logError(fmt.Errorf("log of %s/%s/%s: %w", pod.Namespace, pod.Name, name, err))
	}
}

func (s *server) exec(w http.ResponseWriter, r *http.Request) {
	options, err := remotecommandserver.NewOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	command := r.URL.Query()["command"]
	if len(command) == 0 {
		http.Error(w, "no command given", http.StatusBadRequest)
		return
	}
	name := r.PathValue("container")
	pod, spec, failure := s.container(r.Context(), r.PathValue("namespace"), r.PathValue("pod"), name)
	if failure == nil && r.PathValue("uid") != "" && types.UID(r.PathValue("uid")) != pod.UID {
		failure = &podError{http.StatusNotFound, "pod does not exist"}
	}
	if failure != nil {
		http.Error(w, failure.message, failure.code)
		return
	}
	target, running := s.rt.execTarget(pod.UID, name)
	if !running {
		// The kubelet's answer for a container that is not running.
		http.Error(w, fmt.Sprintf("container not found (%q)", name), http.StatusInternalServerError)
		return
	}
	executor := localExec{rt: s.rt, pod: pod, spec: spec, target: target}
	remotecommandserver.ServeExec(w, r, executor, pod.Name, pod.UID, name, command, options,
		execIdleTimeout, remotecommandconsts.DefaultStreamCreationTimeout, remotecommandconsts.SupportedStreamingProtocols)
}
