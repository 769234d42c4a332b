{{/* Names are derived only from the release and values: rendering is deterministic (GitOps-stable). */}}
{{- define "cachemesh.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cachemesh.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "cachemesh.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "cachemesh.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cachemesh
{{- end -}}

{{- define "cachemesh.operatorSelector" -}}
app.kubernetes.io/name: {{ include "cachemesh.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "cachemesh.webhookService" -}}{{ include "cachemesh.fullname" . }}-webhook{{- end -}}
{{- define "cachemesh.webhookSecret" -}}{{ include "cachemesh.fullname" . }}-webhook-tls{{- end -}}
{{- define "cachemesh.mutatingConfig" -}}{{ include "cachemesh.fullname" . }}-sidecar-injector{{- end -}}
{{- define "cachemesh.validatingConfig" -}}{{ include "cachemesh.fullname" . }}-validation{{- end -}}
{{- define "cachemesh.certificate" -}}{{ include "cachemesh.fullname" . }}-webhook{{- end -}}
{{- define "cachemesh.redis" -}}{{ include "cachemesh.fullname" . }}-redis{{- end -}}

{{- define "cachemesh.operatorImage" -}}
{{ .Values.operator.image.repository }}:{{ default .Chart.AppVersion .Values.operator.image.tag }}
{{- end -}}
{{- define "cachemesh.sidecarImage" -}}
{{ .Values.sidecar.image.repository }}:{{ default .Chart.AppVersion .Values.sidecar.image.tag }}
{{- end -}}

{{/* The webhook client config shared by every webhook: the operator's Service, caBundle left to the operator or cert-manager. */}}
{{- define "cachemesh.clientConfig" -}}
clientConfig:
  service:
    name: {{ include "cachemesh.webhookService" .root }}
    namespace: {{ .root.Release.Namespace }}
    path: {{ .path }}
    port: 443
{{- end -}}

{{- define "cachemesh.webhookAnnotations" -}}
{{- if .Values.certManager.enabled }}
annotations:
  cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "cachemesh.certificate" . }}
{{- end }}
{{- end -}}
