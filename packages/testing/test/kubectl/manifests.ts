/** The objects the suite creates, as YAML for `-f -` (the same on every server). */
export const NS = 'kt';

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

/** One object of each further kind the servers print (no controller acts on them on either server). */
export const PRINTING_YAML = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: ${NS}}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
  tls:
  - hosts: [shop.example.com]
    secretName: shop-tls
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-only, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: ${NS}}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: ${NS}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: robot, namespace: ${NS}}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: leader, namespace: ${NS}}
spec: {holderIdentity: node-a, leaseDurationSeconds: 15}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: ${NS}}
spec:
  schedule: "0 3 * * *"
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: task, image: busybox:1.36}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ${NS}}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: postgres, image: postgres:16}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ${NS}}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {nodeSelector: {kubernetes.io/os: linux}, containers: [{name: agent, image: busybox:1.36}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: robot, namespace: ${NS}}
---
apiVersion: v1
kind: Endpoints
metadata: {name: external, namespace: ${NS}}
subsets:
- addresses: [{ip: 192.0.2.10}, {ip: 192.0.2.11}]
  ports: [{name: http, port: 8080, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: edge, namespace: ${NS}}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {name: docs, namespace: ${NS}}
spec:
  type: ExternalName
  externalName: docs.example.com
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: ${NS}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  storageClassName: standard
`;

export const CRD_YAML = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList, shortNames: [wg]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Owner, type: string, priority: 1, jsonPath: ".metadata.labels['example\\\\.com/owner']"}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
`;

export const WIDGET_YAML = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: blue
  namespace: ${NS}
  labels: {example.com/owner: alice}
spec: {size: 3, color: blue}
`;
