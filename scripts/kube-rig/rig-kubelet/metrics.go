package main

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	metrics "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

// Annotations of a pod that set what the metrics API reports for each of its running containers.
const (
	cpuAnnotation    = "rig.gantry.dev/cpu-millicores"
	memoryAnnotation = "rig.gantry.dev/memory-mib"
	defaultCPU       = 5  // millicores
	defaultMemory    = 16 // MiB
	metricsWindow    = 10 * time.Second
)

var metricsGroupVersion = metrics.SchemeGroupVersion

// podMetrics is what metrics-server would report for a pod at `now`: one entry per running container,
// with the usage the pod's annotations set. Only Running pods with a running container have metrics.
func podMetrics(pod *v1.Pod, now time.Time) (metrics.PodMetrics, bool) {
	if pod.Status.Phase != v1.PodRunning {
		return metrics.PodMetrics{}, false
	}
	usage := v1.ResourceList{
		v1.ResourceCPU:    *resource.NewMilliQuantity(annotationNumber(pod, cpuAnnotation, defaultCPU), resource.DecimalSI),
		v1.ResourceMemory: *resource.NewQuantity(annotationNumber(pod, memoryAnnotation, defaultMemory)<<20, resource.BinarySI),
	}
	result := metrics.PodMetrics{
		TypeMeta: metav1.TypeMeta{Kind: "PodMetrics", APIVersion: metricsGroupVersion.String()},
		ObjectMeta: metav1.ObjectMeta{
			Name:              pod.Name,
			Namespace:         pod.Namespace,
			Labels:            pod.Labels,
			CreationTimestamp: metav1.NewTime(now),
		},
		Timestamp: metav1.NewTime(now),
		Window:    metav1.Duration{Duration: metricsWindow},
	}
	for _, statuses := range [][]v1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses} {
		for _, status := range statuses {
			if status.State.Running != nil {
				result.Containers = append(result.Containers, metrics.ContainerMetrics{Name: status.Name, Usage: usage.DeepCopy()})
			}
		}
	}
	return result, len(result.Containers) > 0
}

// nodeMetrics sums the usage of the pods on each node (a fake node uses nothing itself).
func nodeMetrics(nodes []string, pods []metrics.PodMetrics, nodeOf map[string]string, now time.Time) []metrics.NodeMetrics {
	totals := map[string]v1.ResourceList{}
	for _, node := range nodes {
		totals[node] = v1.ResourceList{
			v1.ResourceCPU:    *resource.NewMilliQuantity(0, resource.DecimalSI),
			v1.ResourceMemory: *resource.NewQuantity(0, resource.BinarySI),
		}
	}
	for _, pod := range pods {
		total, ok := totals[nodeOf[pod.Namespace+"/"+pod.Name]]
		if !ok {
			continue
		}
		for _, container := range pod.Containers {
			for name, quantity := range container.Usage {
				sum := total[name]
				sum.Add(quantity)
				total[name] = sum
			}
		}
	}
	result := make([]metrics.NodeMetrics, 0, len(nodes))
	for _, node := range nodes {
		result = append(result, metrics.NodeMetrics{
			TypeMeta:   metav1.TypeMeta{Kind: "NodeMetrics", APIVersion: metricsGroupVersion.String()},
			ObjectMeta: metav1.ObjectMeta{Name: node, CreationTimestamp: metav1.NewTime(now)},
			Timestamp:  metav1.NewTime(now),
			Window:     metav1.Duration{Duration: metricsWindow},
			Usage:      totals[node],
		})
	}
	return result
}

func annotationNumber(pod *v1.Pod, annotation string, fallback int64) int64 {
	value, err := strconv.ParseInt(pod.Annotations[annotation], 10, 64)
	if err != nil || value < 0 {
		return fallback
	}
	return value
}

// metricsAPI serves metrics.k8s.io/v1beta1 (pods and nodes, get and list) behind the API server's
// aggregator, for the pods `list` returns.
type metricsAPI struct {
	nodes []string
	list  func(ctx context.Context) ([]v1.Pod, error)
}

func (m metricsAPI) register(mux *http.ServeMux, guard func(http.HandlerFunc) http.HandlerFunc) {
	prefix := "/apis/" + metricsGroupVersion.String()
	mux.HandleFunc("GET "+prefix, guard(m.discovery))
	mux.HandleFunc("GET "+prefix+"/pods", guard(m.pods))
	mux.HandleFunc("GET "+prefix+"/namespaces/{namespace}/pods", guard(m.pods))
	mux.HandleFunc("GET "+prefix+"/namespaces/{namespace}/pods/{name}", guard(m.pods))
	mux.HandleFunc("GET "+prefix+"/nodes", guard(m.nodeMetrics))
	mux.HandleFunc("GET "+prefix+"/nodes/{name}", guard(m.nodeMetrics))
	// The aggregator keeps asking (and logging an error) while an API server has no OpenAPI v2 spec.
	mux.HandleFunc("GET /openapi/v2", guard(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"swagger": "2.0",
			"info":    map[string]string{"title": "rig-kubelet metrics", "version": metricsGroupVersion.Version},
			"paths":   map[string]any{},
		})
	}))
}

func (m metricsAPI) discovery(w http.ResponseWriter, _ *http.Request) {
	verbs := metav1.Verbs{"get", "list"}
	writeJSON(w, http.StatusOK, metav1.APIResourceList{
		TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
		GroupVersion: metricsGroupVersion.String(),
		APIResources: []metav1.APIResource{
			{Name: "nodes", Kind: "NodeMetrics", Namespaced: false, Verbs: verbs},
			{Name: "pods", Kind: "PodMetrics", Namespaced: true, Verbs: verbs},
		},
	})
}

// current returns the metrics of every pod that has some in `namespace` (all when empty) matching the
// selector, and which node each pod is on.
func (m metricsAPI) current(ctx context.Context, namespace string, selector labels.Selector, now time.Time) ([]metrics.PodMetrics, map[string]string, error) {
	pods, err := m.list(ctx)
	if err != nil {
		return nil, nil, err
	}
	var items []metrics.PodMetrics
	nodeOf := map[string]string{}
	for i := range pods {
		pod := &pods[i]
		if namespace != "" && pod.Namespace != namespace || !selector.Matches(labels.Set(pod.Labels)) {
			continue
		}
		if item, ok := podMetrics(pod, now); ok {
			items = append(items, item)
			nodeOf[pod.Namespace+"/"+pod.Name] = pod.Spec.NodeName
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Namespace != items[j].Namespace {
			return items[i].Namespace < items[j].Namespace
		}
		return items[i].Name < items[j].Name
	})
	return items, nodeOf, nil
}

func (m metricsAPI) pods(w http.ResponseWriter, r *http.Request) {
	selector, err := labels.Parse(r.URL.Query().Get("labelSelector"))
	if err != nil {
		writeStatus(w, apierrors.NewBadRequest(err.Error()))
		return
	}
	items, _, err := m.current(r.Context(), r.PathValue("namespace"), selector, time.Now())
	if err != nil {
		writeStatus(w, err)
		return
	}
	if name := r.PathValue("name"); name != "" {
		for _, item := range items {
			if item.Name == name {
				writeJSON(w, http.StatusOK, item)
				return
			}
		}
		writeStatus(w, apierrors.NewNotFound(schema.GroupResource{Group: metricsGroupVersion.Group, Resource: "pods"}, name))
		return
	}
	writeJSON(w, http.StatusOK, metrics.PodMetricsList{
		TypeMeta: metav1.TypeMeta{Kind: "PodMetricsList", APIVersion: metricsGroupVersion.String()},
		Items:    emptyIfNil(items),
	})
}

func (m metricsAPI) nodeMetrics(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	pods, nodeOf, err := m.current(r.Context(), "", labels.Everything(), now)
	if err != nil {
		writeStatus(w, err)
		return
	}
	items := nodeMetrics(m.nodes, pods, nodeOf, now)
	if name := r.PathValue("name"); name != "" {
		for _, item := range items {
			if item.Name == name {
				writeJSON(w, http.StatusOK, item)
				return
			}
		}
		writeStatus(w, apierrors.NewNotFound(schema.GroupResource{Group: metricsGroupVersion.Group, Resource: "nodes"}, name))
		return
	}
	writeJSON(w, http.StatusOK, metrics.NodeMetricsList{
		TypeMeta: metav1.TypeMeta{Kind: "NodeMetricsList", APIVersion: metricsGroupVersion.String()},
		Items:    items,
	})
}

func emptyIfNil(items []metrics.PodMetrics) []metrics.PodMetrics {
	if items == nil {
		return []metrics.PodMetrics{}
	}
	return items
}

func writeJSON(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// writeStatus answers with an API error as a Status object, as any API server does.
func writeStatus(w http.ResponseWriter, err error) {
	status := apierrors.NewInternalError(err).ErrStatus
	if apiError, ok := err.(apierrors.APIStatus); ok {
		status = apiError.Status()
	}
	status.TypeMeta = metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}
	writeJSON(w, int(status.Code), status)
}
