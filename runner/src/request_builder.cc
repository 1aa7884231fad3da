#include "bis/runner/request_builder.h"

#include <random>

#include "bis/common/control_surface.h"
#include "bis/common/form.h"
#include "bis/common/text.h"
#include "bis/runner/json_diff.h"
#include "bis/runner/template.h"

namespace bis::runner {

namespace {

// Renders with the template parsed at load; a Text built elsewhere is parsed here.
Expected<std::string, RenderError> render(const Text& t, const Scope& scope) {
  if (t.parsed) return t.parsed->render_string(scope.vars, scope.ctx);
  if (!is_templated(t.text)) return t.text;
  auto parsed = Template::parse(t.text);
  if (!parsed) return Unexpected{RenderError{RenderError::Kind::kBadCall, "", parsed.error()}};
  return parsed->render_string(scope.vars, scope.ctx);
}

void set_header(std::vector<Header>& headers, const std::string& name, const std::string& value) {
  if (auto it = find_header(headers, name); it != headers.end()) {
    it->second = value;
  } else {
    headers.emplace_back(name, value);
  }
}

bool has_header(const std::vector<Header>& headers, std::string_view name) {
  return find_header(headers, name) != headers.end();
}

std::string boundary_for(const form::Fields& fields) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (;;) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "bis-conform-%016llx", static_cast<unsigned long long>(rng()));
    bool clash = false;
    for (const auto& f : fields) clash = clash || f.value.find(buf) != std::string::npos;
    if (!clash) return buf;
  }
}

}  // namespace

Expected<HttpRequest, RenderError> build_request(const RequestSpec& spec, const Target& target,
                                                 const Scope& scope) {
  HttpRequest req;
  auto method = render(spec.method, scope);
  if (!method) return Unexpected{method.error()};
  req.method = *method;
  if (spec.endpoint.empty()) {
    auto path = render(*spec.path, scope);
    if (!path) return Unexpected{path.error()};
    req.target = *path;
  } else if (spec.endpoint != "list_subscribe") {
    // The loader let only the control surface's endpoint names through.
    const std::string* path = target.endpoints.find(spec.endpoint);
    req.target = path ? *path : spec.endpoint;
  } else {
    auto list = render(*spec.list, scope);
    if (!list) return Unexpected{list.error()};
    req.target = target.endpoints.list_subscribe;
    const size_t at = req.target.find("{list}");
    if (at != std::string::npos) req.target.replace(at, 6, form::url_encode(*list));
  }
  for (const auto& q : spec.query) {
    auto v = render(q.value, scope);
    if (!v) return Unexpected{v.error()};
    req.target += req.target.find('?') == std::string::npos ? '?' : '&';
    req.target += form::url_encode(q.name) + "=" + form::url_encode(*v);
  }
  req.headers = target.headers;
  std::string content_type;
  switch (spec.body_kind) {
    case BodyKind::kNone:
      break;
    case BodyKind::kForm:
    case BodyKind::kMultipart: {
      form::Fields fields;
      for (const auto& f : spec.fields) {
        auto v = render(f.value, scope);
        if (!v) return Unexpected{v.error()};
        fields.push_back(form::Field{f.name, *v, std::nullopt, std::nullopt});
      }
      if (spec.body_kind == BodyKind::kForm) {
        req.body = form::encode_urlencoded(fields);
        content_type = "application/x-www-form-urlencoded";
      } else {
        const std::string boundary = boundary_for(fields);
        req.body = form::encode_multipart(fields, boundary);
        content_type = "multipart/form-data; boundary=" + boundary;
      }
      break;
    }
    case BodyKind::kJson: {
      auto v = render_json(spec.json.json, scope.vars, scope.ctx);
      if (!v) return Unexpected{v.error()};
      req.body = dump_json(*v);
      content_type = "application/json";
      break;
    }
    case BodyKind::kRaw: {
      auto v = render(spec.raw, scope);
      if (!v) return Unexpected{v.error()};
      req.body = *v;
      content_type = "text/plain";
      if (spec.content_type) {
        auto ct = render(*spec.content_type, scope);
        if (!ct) return Unexpected{ct.error()};
        content_type = *ct;
      }
      break;
    }
  }
  if (!content_type.empty() && !has_header(req.headers, "Content-Type"))
    req.headers.emplace_back("Content-Type", content_type);
  for (const auto& h : spec.headers) {
    auto v = render(h.value, scope);
    if (!v) return Unexpected{v.error()};
    set_header(req.headers, h.name, *v);
  }
  return req;
}

Expected<ControlCall, RenderError> build_control_call(const Step& step, const Target& target,
                                                      const Scope& scope) {
  std::optional<RenderError> failed;  // the first argument that could not be rendered
  const Scope& s = scope;
  auto text = [&](const std::optional<Text>& t) -> std::string {
    if (!t || failed) return "";
    auto r = render(*t, s);
    if (!r) {
      failed = r.error();
      return "";
    }
    return *r;
  };
  auto number = [&](const std::optional<Value>& v) -> std::optional<long long> {
    if (!v || failed) return std::nullopt;
    auto r = render_json(v->json, s.vars, s.ctx);
    if (!r) {
      failed = r.error();
      return std::nullopt;
    }
    if (r->is_number_integer()) return r->get<long long>();
    if (r->is_string()) {
      try {
        size_t used = 0;
        const long long n = std::stoll(r->get<std::string>(), &used);
        if (used == r->get<std::string>().size()) return n;
      } catch (const std::exception&) {
      }
    }
    failed = RenderError{RenderError::Kind::kBadCall, "",
                         "expected an integer, got " + render_value(&*r)};
    return std::nullopt;
  };
  ControlCall call;
  if (step.kind == Step::Kind::kControl) {
    const ControlSpec& c = step.control;
    call.action = c.action;
    call.account = text(c.account);
    call.variant = text(c.variant);
    call.inventory = number(c.inventory);
    if (c.by) call.advance_ms = c.by->count();
    if (c.flow && !failed) {
      auto f = render_json(c.flow->json, s.vars, s.ctx);
      if (!f) {
        failed = f.error();
      } else if (f->is_null()) {
        // What a get_flow read when the account had no flow: putting it back removes it.
        call.action = "remove_flow";
      } else if (!f->is_object()) {
        failed = RenderError{RenderError::Kind::kBadCall, "",
                             "flow must be an object or null, got " + render_value(&*f)};
      } else {
        // Only the settings protocol 1 defines: a captured flow may carry keys the target
        // added, which a client ignores (docs/control-protocol.md) and must not send back to a
        // server that refuses keys it does not know.
        call.flow = nlohmann::json::object();
        for (const char* key : {"enabled", "threshold", "batch_size", "batch_interval_seconds"}) {
          if (auto it = f->find(key); it != f->end()) call.flow[key] = *it;
        }
      }
    }
    const protocol::Route* route = protocol::find_route(c.action, {protocol::RouteKind::kAction});
    if (route && route->default_account && !c.account) {
      const nlohmann::json* key = target.value("target.key");
      if (key) {
        call.account = value_text(*key);
      } else {
        failed = RenderError{RenderError::Kind::kMissingTargetValue, "target.key",
                             "the target does not define 'target.key'"};
      }
    }
  } else {
    const ObserveSpec& ob = step.observe;
    call.action = ob.what;
    call.account = text(ob.account);
    call.email = text(ob.email);
    call.variant = text(ob.variant);
    call.list = text(ob.list);
    call.path = text(ob.path);
    call.limit = number(ob.limit);
  }
  if (failed) return Unexpected{*failed};
  return call;
}

}  // namespace bis::runner
