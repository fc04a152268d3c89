// Command rig-kubelet is the kubelet-like server of Gantry's Kubernetes test rig (scripts/kube-rig): for
// the fake nodes the rig's node agent runs, it serves the kubelet API the API server calls for pod logs
// and exec, and the metrics.k8s.io API behind the aggregator. docs/kube-rig.md describes what it does.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

// boundPods selects the pods a scheduler (or anyone) has bound to a node.
const boundPods = "spec.nodeName!="

type config struct {
	listen, certFile, keyFile, clientCAFile, kubeconfig, rootDir string
	nodes, kubeletClients, proxyClients                          []string
}

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	var cfg config
	var nodes, kubeletClients, proxyClients string
	flag.StringVar(&cfg.listen, "listen", "127.0.0.1:10250", "loopback address and port to serve HTTPS on")
	flag.StringVar(&cfg.certFile, "tls-cert-file", "", "serving certificate (PEM)")
	flag.StringVar(&cfg.keyFile, "tls-private-key-file", "", "key of the serving certificate (PEM)")
	flag.StringVar(&cfg.clientCAFile, "client-ca-file", "", "CA that signs the clients' certificates (PEM)")
	flag.StringVar(&cfg.kubeconfig, "kubeconfig", "", "kubeconfig to read pods with")
	flag.StringVar(&cfg.rootDir, "root-dir", "", "directory for the containers' logs and working directories")
	flag.StringVar(&nodes, "nodes", "", "comma-separated names of the nodes to serve")
	flag.StringVar(&kubeletClients, "kubelet-client-names", "kube-apiserver-kubelet-client", "comma-separated common names allowed to read logs and exec")
	flag.StringVar(&proxyClients, "proxy-client-names", "front-proxy-client", "comma-separated common names allowed to read metrics")
	flag.Parse()
	cfg.nodes, cfg.kubeletClients, cfg.proxyClients = split(nodes), split(kubeletClients), split(proxyClients)
	if err := run(cfg); err != nil {
		log.Fatalf("rig-kubelet: %v", err)
	}
}

func run(cfg config) error {
	if cfg.certFile == "" || cfg.keyFile == "" || cfg.clientCAFile == "" || cfg.kubeconfig == "" || cfg.rootDir == "" || len(cfg.nodes) == 0 {
		return errors.New("--tls-cert-file, --tls-private-key-file, --client-ca-file, --kubeconfig, --root-dir and --nodes are required")
	}
	host, _, err := net.SplitHostPort(cfg.listen)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--listen must be a loopback IP address and port, not %q", cfg.listen)
	}
	tlsConfig, err := serverTLS(cfg)
	if err != nil {
		return err
	}
	restConfig, err := clientcmd.BuildConfigFromFlags("", cfg.kubeconfig)
	if err != nil {
		return err
	}
	restConfig.QPS, restConfig.Burst, restConfig.UserAgent = 100, 200, "gantry-rig-kubelet"
	clients, err := kubernetes.NewForConfig(restConfig)
	if err != nil {
		return err
	}

	rt := newFakeRuntime(cfg.rootDir, cfg.nodes)
	factory := informers.NewSharedInformerFactoryWithOptions(clients, 0,
		informers.WithTweakListOptions(func(options *metav1.ListOptions) { options.FieldSelector = boundPods }))
	_, err = factory.Core().V1().Pods().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(object any) { syncObject(rt, object) },
		UpdateFunc: func(_, object any) { syncObject(rt, object) },
		DeleteFunc: func(object any) {
			if tombstone, ok := object.(cache.DeletedFinalStateUnknown); ok {
				object = tombstone.Obj
			}
			if pod, ok := object.(*v1.Pod); ok {
				rt.forget(pod.UID)
			}
		},
	})
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	factory.Start(stop)

	s := &server{rt: rt, pods: clients.CoreV1(), kubeletClients: set(cfg.kubeletClients), proxyClients: set(cfg.proxyClients)}
	metrics := metricsAPI{nodes: cfg.nodes, list: func(ctx context.Context) ([]v1.Pod, error) {
		list, err := clients.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: boundPods})
		if err != nil {
			return nil, err
		}
		pods := list.Items[:0]
		for _, pod := range list.Items {
			if rt.runs(&pod) {
				pods = append(pods, pod)
			}
		}
		return pods, nil
	}}
	httpServer := &http.Server{
		Handler:           s.routes(metrics),
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		// HTTP/1.1 only: exec upgrades the connection, which HTTP/2 cannot.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	listener, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- httpServer.ServeTLS(listener, "", "") }()
	log.Printf("serving nodes %s on https://%s", strings.Join(cfg.nodes, ", "), cfg.listen)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-signals:
	case err = <-served:
	}
	close(stop)
	_ = httpServer.Close()
	rt.stopAll()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func syncObject(rt *fakeRuntime, object any) {
	if pod, ok := object.(*v1.Pod); ok {
		rt.sync(pod)
	}
}

func serverTLS(cfg config) (*tls.Config, error) {
	certificate, err := tls.LoadX509KeyPair(cfg.certFile, cfg.keyFile)
	if err != nil {
		return nil, err
	}
	caPEM, err := os.ReadFile(cfg.clientCAFile)
	if err != nil {
		return nil, err
	}
	clientCAs := x509.NewCertPool()
	if !clientCAs.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("%s holds no PEM certificate", cfg.clientCAFile)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{certificate},
		ClientCAs:    clientCAs,
		// Verified when given; every path but /healthz then requires one (see onlyFrom).
		ClientAuth: tls.VerifyClientCertIfGiven,
		MinVersion: tls.VersionTLS12,
	}, nil
}

func split(list string) []string {
	var items []string
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

func set(items []string) map[string]bool {
	result := map[string]bool{}
	for _, item := range items {
		result[item] = true
	}
	return result
}
