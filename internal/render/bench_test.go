package render

import (
	"slices"
	"testing"
)

type renderBenchmark struct {
	name   string
	render func() error
}

// renderBenchmarks is one entry per renderer behind a config data source,
// each with a representative input from the golden tests; a new renderer is
// one line here.
var renderBenchmarks = []renderBenchmark{
	{"apache", func() error {
		_, _, err := RenderApache(ApacheInput{ServerInput: goldenServerInputs["optional_proxy"], RenderListen: true})
		return err
	}},
	{"nginx", func() error { _, _, err := RenderNginx(NginxInput{goldenServerInputs["optional_proxy"]}); return err }},
	{"ingress/controller=" + ControllerIngressNginx, renderIngress(ControllerIngressNginx)},
	{"ingress/controller=" + ControllerTraefik, renderIngress(ControllerTraefik)},
	{"ingress/controller=" + ControllerIstio, renderIngress(ControllerIstio)},
}

func renderIngress(controller string) func() error {
	return func() error { _, _, err := RenderIngress(goldenIngressInputs[controller]); return err }
}

// BenchmarkRender measures validating and rendering one configuration, per
// renderer.
func BenchmarkRender(b *testing.B) {
	for _, rb := range renderBenchmarks {
		b.Run("renderer="+rb.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := rb.render(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRenderBenchmarksCoverEveryIngressController keeps the benchmark table
// in step with the controllers the ingress renderer knows.
func TestRenderBenchmarksCoverEveryIngressController(t *testing.T) {
	for controller := range goldenIngressInputs {
		if !slices.ContainsFunc(renderBenchmarks, func(rb renderBenchmark) bool { return rb.name == "ingress/controller="+controller }) {
			t.Errorf("BenchmarkRender has no case for ingress controller %q: add a line to renderBenchmarks", controller)
		}
	}
}
