package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// clocked gives a resource the provider's clock, injected so that tests can
// move time (renewal).
type clocked struct {
	now func() time.Time
}

// configureClock takes the clock from the provider data that resources and
// data sources receive at Configure.
func (c *clocked) configureClock(data any) {
	if data, ok := data.(*providerData); ok {
		c.now = data.now
	}
}

func (c *clocked) clock() time.Time {
	if c.now == nil {
		return time.Now()
	}
	return c.now()
}

func (c *clocked) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	c.configureClock(req.ProviderData)
}
