package sdklogs

import "testing"

func TestLevels(t *testing.T) {
	t.Parallel()
	off := map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"nobody asked", nil, off},
		{"core logs only", map[string]string{"TF_LOG_CORE": "TRACE", "TF_LOG_PATH": "tf.log"}, off},
		{"TF_LOG", map[string]string{"TF_LOG": "TRACE"}, nil},
		{"TF_LOG at error", map[string]string{"TF_LOG": "ERROR"}, nil},
		{"provider logs", map[string]string{"TF_LOG_PROVIDER": "DEBUG"}, nil},
		{"this provider's logs", map[string]string{"TF_LOG_PROVIDER_MTLS": "TRACE"}, nil},
		{"another provider's logs", map[string]string{"TF_LOG_PROVIDER_AWS": "TRACE"}, off},
		{"SDK logs", map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE"}, nil},
		{"protocol logs", map[string]string{"TF_LOG_SDK_PROTO": "DEBUG"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Levels(func(name string) string { return tc.env[name] }, "mtls")
			if len(got) != len(tc.want) {
				t.Fatalf("Levels = %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Fatalf("Levels = %v, want %v", got, tc.want)
				}
			}
		})
	}
}
