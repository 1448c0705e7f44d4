-- A stand-in for Envoy's Lua stream handle: enough of headers(), body() and
-- streamInfo():dynamicMetadata() to run the filter's request and response hooks.
-- respond(status, path, body, extra_headers) returns status, content-type, body.
function respond(status, path, body, extra)
  local headers = {[":status"] = status, ["x-request-id"] = "rid-1", ["content-type"] = "application/json"}
  for name, value in pairs(extra or {}) do headers[name] = value end
  local metadata = {}
  local buffer = body
  local info = {
    dynamicMetadata = function()
      return {
        set = function(_, namespace, key, value)
          metadata[namespace] = metadata[namespace] or {}
          metadata[namespace][key] = value
        end,
        get = function(_, namespace) return metadata[namespace] end
      }
    end
  }
  local request = {}
  function request:headers()
    return {
      get = function(_, name) if name == ":path" then return path end end,
      replace = function(_, name, value) if name == ":path" then path = value end end
    }
  end
  function request:streamInfo() return info end
  local response = {}
  function response:headers()
    return {
      get = function(_, name) return headers[name] end,
      replace = function(_, name, value) headers[name] = value end,
      remove = function(_, name) headers[name] = nil end
    }
  end
  function response:streamInfo() return info end
  function response:body()
    return {
      length = function() return #buffer end,
      getBytes = function(_, start, count) return string.sub(buffer, start + 1, start + count) end,
      setBytes = function(_, text) buffer = text end
    }
  end
  envoy_on_request(request)
  envoy_on_response(response)
  return headers[":status"], headers["content-type"], buffer, headers["parley-http-status"]
end

-- rewritten_path(path) returns the :path the request hook leaves for the transcoder.
function rewritten_path(path)
  local current = path
  local info = {
    dynamicMetadata = function()
      return {set = function() end, get = function() return nil end}
    end
  }
  local request = {}
  function request:headers()
    return {
      get = function(_, name) if name == ":path" then return current end end,
      replace = function(_, name, value) if name == ":path" then current = value end end
    }
  end
  function request:streamInfo() return info end
  envoy_on_request(request)
  return current
end
