package pki

import "fmt"

// FieldError is a problem with one input. Attribute is the name of the
// provider attribute at fault, so the caller can point the user at it; a
// nested attribute is dotted, as in subject.country.
type FieldError struct {
	Attribute string
	Summary   string
	Detail    string
	// Warning marks problems that do not stop issuance.
	Warning bool
}

func (e *FieldError) Error() string { return e.Attribute + ": " + e.Summary + ": " + e.Detail }

func fieldErr(attr, summary, format string, args ...any) *FieldError {
	return &FieldError{Attribute: attr, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}

func hasErrors(errs []*FieldError) bool {
	for _, e := range errs {
		if !e.Warning {
			return true
		}
	}
	return false
}

func errorsOf(errs []*FieldError) []error {
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		if !e.Warning {
			out = append(out, e)
		}
	}
	return out
}
