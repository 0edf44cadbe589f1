{#- Docstrings lose surrounding blanks to `ruff format`; an empty one falls back to the name. #}
{%- set text = (cookiecutter.description|trim) or (cookiecutter.project_name|trim) %}
{%- set literal = text|python_string %}
{#- A string literal `ruff format` leaves as it is: double quotes unless they need more escapes. #}
{%- if '"' in text and text.count('"') > text.count("'") %}
{{- literal }}
{%- elif literal.startswith('"') %}
{{- literal }}
{%- else %}
{{- '"' ~ literal[1:-1].replace("\\'", "'").replace('"', '\\"') ~ '"' }}
{%- endif %}
