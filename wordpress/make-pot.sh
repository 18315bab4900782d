#!/usr/bin/env bash
# Regenerates the plugin's translation template from its PHP (GNU gettext's xgettext): `npm run wordpress:pot`.
set -euo pipefail
cd "$(dirname "$0")/praisonai-svc"
find . -name '*.php' | sort | xargs xgettext --language=PHP --from-code=UTF-8 --no-wrap --sort-by-file \
  --keyword=__ --keyword=_e --keyword=esc_html__ --keyword=esc_html_e --keyword=esc_attr__ --keyword=_n:1,2 \
  --add-comments=translators: --package-name="PraisonAI Services" --package-version="$(sed -n 's/^ \* Version: *//p' praisonai-svc.php)" \
  --msgid-bugs-address="https://github.com/MervinPraison/praisonai-svc/issues" -o languages/praisonai-svc.pot
sed -i 's/charset=CHARSET/charset=UTF-8/' languages/praisonai-svc.pot
