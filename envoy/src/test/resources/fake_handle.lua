-- A stand-in for Envoy's Lua stream handle: enough of headers(), body() and
-- streamInfo():dynamicMetadata() to run the filter's request and response hooks.
-- respond(status, path, body, extra_headers, method) returns status, content-type, body.
function respond(status, path, body, extra, method)
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
      get = function(_, name)
        if name == ":path" then return path end
        if name == ":method" then return method or "POST" end
      end,
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

-- request_headers(method, path, incoming) runs the request hook and returns the request's headers
-- as the transcoder then sees them, and the headers of the hook's own reply when it answered.
function request_headers(method, path, incoming)
  local headers = {[":method"] = method, [":path"] = path}
  for name, value in pairs(incoming or {}) do headers[name] = value end
  local info = {
    dynamicMetadata = function()
      return {set = function() end, get = function() return nil end}
    end
  }
  local request = {}
  function request:headers()
    return {
      get = function(_, name) return headers[name] end,
      replace = function(_, name, value) headers[name] = value end,
      remove = function(_, name) headers[name] = nil end
    }
  end
  function request:streamInfo() return info end
  local responded = nil
  function request:respond(reply, body) responded = reply end
  envoy_on_request(request)
  return headers, responded
end

-- Base64 as Envoy's handle:base64Escape writes it.
local ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  local out = {}
  for i = 1, #data, 3 do
    local a, b, c = string.byte(data, i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local chars = {}
    for k = 3, 0, -1 do
      local index = math.floor(n / (64 ^ k)) % 64 + 1
      table.insert(chars, string.sub(ALPHABET, index, index))
    end
    if b == nil then chars[3] = "=" end
    if c == nil then chars[4] = "=" end
    table.insert(out, table.concat(chars))
  end
  return table.concat(out)
end

-- upload(method, path, request_headers, body) runs the request hook on a request with a body and
-- returns the :path, content-type, body and content-length the transcoder then sees.
function upload(method, path, request_headers, body)
  local headers = {[":method"] = method, [":path"] = path}
  for name, value in pairs(request_headers or {}) do headers[name] = value end
  local buffer = body
  local info = {
    dynamicMetadata = function()
      return {set = function() end, get = function() return nil end}
    end
  }
  local request = {}
  function request:headers()
    return {
      get = function(_, name) return headers[name] end,
      replace = function(_, name, value) headers[name] = value end,
      remove = function(_, name) headers[name] = nil end
    }
  end
  function request:body()
    return {
      length = function() return #buffer end,
      getBytes = function(_, start, count) return string.sub(buffer, start + 1, start + count) end,
      setBytes = function(_, text) buffer = text end
    }
  end
  function request:base64Escape(data) return base64(data) end
  function request:streamInfo() return info end
  envoy_on_request(request)
  return headers[":path"], headers["content-type"], buffer, headers["content-length"]
end
