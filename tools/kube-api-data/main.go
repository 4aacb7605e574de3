// Command kube-api-data prints, as JSON, what a protobuf codec needs besides the .proto files of k8s.io/api:
// which message each built-in kind is, and how each proto field maps to JSON (its name, omitempty, pointer).
// Go's encoding/json drops zero values of omitempty fields but keeps set pointers, and the proto wire format
// cannot tell those apart, so the codec reads it from the Go types' struct tags.
//
// `kube-api-data openapi-v2-pb` instead reads a Swagger 2.0 JSON document on stdin and writes it on stdout as
// the gnostic protobuf kube-apiserver serves for application/com.github.proto-openapi.spec.v2@v1.0+protobuf.
package main

import (
	"encoding/json"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"

	openapiv2 "github.com/google/gnostic-models/openapiv2"
	"google.golang.org/protobuf/proto"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
)

type output struct {
	// "group/version/Kind" -> proto message full name
	Kinds map[string]string `json:"kinds"`
	// proto message full name -> proto field name -> "flags[:jsonName]" (o: omitempty, z: omitzero, p: pointer, i: inline)
	Fields map[string]map[string]string `json:"fields"`
	// Go package paths of every visited message, for the generated.proto files to load
	Packages []string `json:"packages"`
}

func messageName(t reflect.Type) string {
	// go-to-protobuf names packages after the import path, with '-' (not allowed in proto names) as '_'.
	return strings.NewReplacer("/", ".", "-", "_").Replace(t.PkgPath()) + "." + t.Name()
}

func openAPIV2Protobuf() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	doc, err := openapiv2.ParseDocument(in)
	if err != nil {
		panic(err)
	}
	out, err := proto.Marshal(doc)
	if err != nil {
		panic(err)
	}
	if _, err := os.Stdout.Write(out); err != nil {
		panic(err)
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "openapi-v2-pb" {
		openAPIV2Protobuf()
		return
	}
	s := runtime.NewScheme()
	if err := scheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := apiextensionsv1.AddToScheme(s); err != nil {
		panic(err)
	}
	out := output{Kinds: map[string]string{}, Fields: map[string]map[string]string{}}
	pkgs := map[string]bool{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Array {
			if t.Kind() == reflect.Map {
				visit(t.Key())
			}
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t.PkgPath() == "" || !strings.HasPrefix(t.PkgPath(), "k8s.io/") {
			return
		}
		name := messageName(t)
		if _, seen := out.Fields[name]; seen {
			return
		}
		fields := map[string]string{}
		out.Fields[name] = fields
		pkgs[t.PkgPath()] = true
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			visit(f.Type)
			tag := f.Tag.Get("protobuf")
			if tag == "" {
				continue
			}
			protoName := ""
			for _, part := range strings.Split(tag, ",") {
				if strings.HasPrefix(part, "name=") {
					protoName = strings.TrimPrefix(part, "name=")
				}
			}
			if protoName == "" {
				// Embedded structs without name= are named after the Go field, first letter lowered.
				protoName = strings.ToLower(f.Name[:1]) + f.Name[1:]
			}
			jsonTag := strings.Split(f.Tag.Get("json"), ",")
			flags := ""
			for _, opt := range jsonTag[1:] {
				switch opt {
				case "inline":
					flags += "i"
				case "omitempty":
					flags += "o"
				case "omitzero":
					flags += "z"
				}
			}
			if f.Type.Kind() == reflect.Pointer {
				flags += "p"
			}
			if jsonTag[0] != protoName && jsonTag[0] != "" {
				flags += ":" + jsonTag[0]
			}
			fields[protoName] = flags
		}
	}
	for gvk, t := range s.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal {
			continue
		}
		visit(t)
		if t.PkgPath() == "k8s.io/apimachinery/pkg/apis/meta/v1" && gvk.Group != "" {
			// meta/v1 kinds (Status, DeleteOptions, WatchEvent...) are registered into every group; list them once.
			continue
		}
		out.Kinds[gvk.Group+"/"+gvk.Version+"/"+gvk.Kind] = messageName(t)
	}
	for _, t := range []reflect.Type{reflect.TypeOf(metav1.Status{}), reflect.TypeOf(metav1.WatchEvent{}), reflect.TypeOf(runtime.Unknown{})} {
		visit(t)
	}
	for p := range pkgs {
		out.Packages = append(out.Packages, p)
	}
	sort.Strings(out.Packages)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
