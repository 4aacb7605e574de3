/** The objects the suite creates, as YAML for `-f -` (the same on every server). */
export const NS = 'kt';

export const NAMESPACE_YAML = `apiVersion: v1
kind: Namespace
metadata:
  name: ${NS}
`;

export const CONFIGMAP_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: ${NS}
data:
  a: "1"
  b: "2"
`;

export const SECRET_YAML = `apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: ${NS}
type: Opaque
data:
  user: YWRtaW4=
`;

/** What `kubectl create deployment web --image=nginx:1.25 --replicas=2` creates. */
export const DEPLOYMENT_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
`;

export const SERVICE_YAML = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${NS}
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
`;

export const SETTINGS_YAML = (mode: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${NS}
data:
  mode: ${mode}
  level: "3"
`;

/** EDITOR for `kubectl edit`: rewrites the file kubectl hands it. */
export const EDITOR_SCRIPT = `#!/bin/sh
sed -i 's/mode: fast/mode: safe/' "$1"
`;
