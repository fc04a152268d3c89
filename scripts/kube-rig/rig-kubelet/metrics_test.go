package main

import (
	"testing"

	v1 "k8s.io/api/core/v1"
	metrics "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

func TestPodMetricsComeFromAnnotations(t *testing.T) {
	pod := podWithStatus(v1.ContainerStatus{State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}})
	pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, v1.ContainerStatus{
		Name: "crashing", State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
	})
	result, ok := podMetrics(pod, epoch)
	if !ok || len(result.Containers) != 1 || result.Containers[0].Name != "web" {
		t.Fatalf("defaults: %+v", result)
	}
	usage := result.Containers[0].Usage
	if usage.Cpu().String() != "5m" || usage.Memory().String() != "16Mi" || result.Window.Duration.String() != "10s" {
		t.Errorf("defaults: cpu %s, memory %s, window %s", usage.Cpu(), usage.Memory(), result.Window.Duration)
	}
	pod.Annotations = map[string]string{cpuAnnotation: "250", memoryAnnotation: "64"}
	result, _ = podMetrics(pod, epoch)
	if usage := result.Containers[0].Usage; usage.Cpu().String() != "250m" || usage.Memory().String() != "64Mi" {
		t.Errorf("annotated: cpu %s, memory %s", usage.Cpu(), usage.Memory())
	}
	pod.Status.Phase = v1.PodPending
	if _, ok := podMetrics(pod, epoch); ok {
		t.Error("a pending pod has metrics")
	}
}

func TestNodeMetricsSumTheirPods(t *testing.T) {
	pod := podWithStatus(v1.ContainerStatus{State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}})
	pod.Annotations = map[string]string{cpuAnnotation: "100", memoryAnnotation: "32"}
	first, _ := podMetrics(pod, epoch)
	pod.Name = "other"
	second, _ := podMetrics(pod, epoch)
	nodes := nodeMetrics([]string{"rig-node-0", "rig-node-1"}, []metrics.PodMetrics{first, second},
		map[string]string{"ns/shop": "rig-node-0", "ns/other": "rig-node-0"}, epoch)
	if cpu, memory := nodes[0].Usage.Cpu().String(), nodes[0].Usage.Memory().String(); cpu != "200m" || memory != "64Mi" {
		t.Errorf("rig-node-0: %s, %s", cpu, memory)
	}
	if cpu := nodes[1].Usage.Cpu().String(); cpu != "0" {
		t.Errorf("rig-node-1: %s", cpu)
	}
}
