<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>SyncPage</name>
        <message>
            <location filename="../../ui/pages/sync.py" line="85" />
            <source>Sync</source>
            <translation>同步</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="95" />
            <source>Sync now</source>
            <translation>立即同步</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="106" />
            <location filename="../../ui/pages/sync.py" line="121" />
            <source>Record</source>
            <translation>记录</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="107" />
            <source>Field</source>
            <translation>字段</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="108" />
            <source>Mine (this computer)</source>
            <translation>我的（本机）</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="109" />
            <source>Theirs (server)</source>
            <translation>对方的（服务器）</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="110" />
            <source>Now kept</source>
            <translation>当前保留</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="110" />
            <source>mine</source>
            <translation>我的</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="110" />
            <source>theirs</source>
            <translation>对方的</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="113" />
            <source>Re-apply mine</source>
            <translation>重新采用我的</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="114" />
            <source>Keep theirs</source>
            <translation>保留对方的</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="117" />
            <source>Conflicts: the same field edited here and elsewhere</source>
            <translation>冲突：同一字段在本机和别处都被修改</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="122" />
            <source>Change</source>
            <translation>修改内容</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="123" />
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="126" />
            <source>Mark as read</source>
            <translation>标为已读</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="128" />
            <source>Changes the server refused</source>
            <translation>服务器拒绝的修改</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="131" />
            <source>Photo</source>
            <translation>照片</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="132" />
            <source>Attempts</source>
            <translation>尝试次数</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="133" />
            <source>Last problem</source>
            <translation>最近的问题</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="175" />
            <source>{0} changes waiting to send · {1}</source>
            <translation>{0} 条修改待上传 · {1}</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="194" />
            <source>Conflicts: the same field edited here and elsewhere ({0})</source>
            <translation>冲突：同一字段在本机和别处都被修改（{0}）</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="195" />
            <source>Changes the server refused ({0})</source>
            <translation>服务器拒绝的修改（{0}）</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="185" />
            <source>Records from the server with a value this computer cannot read: {0}. They are kept as the server sent them, and sync goes on.</source>
            <translation>服务器发来的记录中有本机无法读取的值：{0} 条。这些值已按服务器发来的原样保留，同步照常进行。</translation>
        </message>
        <message>
            <source>Conflicts ({0})</source>
            <translation>冲突（{0}）</translation>
        </message>
        <message>
            <source>Refused ({0})</source>
            <translation>被拒绝（{0}）</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="0" />
            <source>1 change waiting to send · {0}</source>
            <translation>1 条修改待上传 · {0}</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="0" />
            <source>Not sent yet: the server could not be reached</source>
            <translation>尚未上传：暂时连不上服务器</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="0" />
            <source>Photo of {0}, taken {1}</source>
            <translation>{0} 的照片，拍摄于 {1}</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="0" />
            <source>Photo of {0}</source>
            <translation>{0} 的照片</translation>
        </message>
        <message>
            <location filename="../../ui/pages/sync.py" line="0" />
            <source>Photo taken {0}</source>
            <translation>拍摄于 {0} 的照片</translation>
        </message>
        <message>
            <source>Photos waiting to upload or that cannot be shown</source>
            <translation>等待上传或无法显示的照片</translation>
        </message>
        <message>
            <source>Photos waiting to upload or that cannot be shown ({0})</source>
            <translation>等待上传或无法显示的照片（{0}）</translation>
        </message>
        <message>
            <source>Photos ({0})</source>
            <translation>照片（{0}）</translation>
        </message>
        <message>
            <source>Cannot be shown: the file on the server is not a readable picture</source>
            <translation>无法显示：服务器上的这个文件不是可读取的图片</translation>
        </message>
        <message>
            <source>Cannot be shown: the server refused this photo</source>
            <translation>无法显示：服务器拒绝提供这张照片</translation>
        </message>
    </context>
    <context>
        <name>SyncStatusWidget</name>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="86" />
            <source>Sync now</source>
            <translation>立即同步</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="107" />
            <source>{0} waiting to send</source>
            <translation>{0} 条待上传</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="122" />
            <source>Syncing… {0} records received</source>
            <translation>正在同步…已收到 {0} 条</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="130" />
            <source>Demo server not started: {0}</source>
            <translation>演示服务器未启动：{0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="100" />
            <source>Open the Sync page to see why and what to do</source>
            <translation>打开“同步”页面，查看原因和处理办法</translation>
        </message>
    </context>
    <context>
        <name>SyncText</name>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="32" />
            <source>The server no longer accepts this sign-in: please sign in again.</source>
            <translation>服务器已不再接受本次登录：请重新登录。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="34" />
            <source>The server needs a newer version of GridWorker: please update the app.</source>
            <translation>服务器需要更新版本的网格员工作台：请更新应用。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="36" />
            <source>The server cannot be reached. Your work is kept on this computer and will be sent later.</source>
            <translation>连不上服务器。您的工作已保存在本机，稍后会自动上传。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="38" />
            <source>The server is busy; GridWorker will try again by itself.</source>
            <translation>服务器繁忙，稍后会自动重试。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="46" />
            <source>Offline account — not linked to a server</source>
            <translation>离线账户——未关联服务器</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="48" />
            <source>Syncing…</source>
            <translation>正在同步…</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="50" />
            <source>Offline</source>
            <translation>离线</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="52" />
            <source>Online</source>
            <translation>在线</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="53" />
            <source>Server not contacted yet</source>
            <translation>尚未联系服务器</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="58" />
            <source>never synced</source>
            <translation>从未同步</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="60" />
            <source>last sync {0}</source>
            <translation>上次同步 {0}</translation>
        </message>
        <message>
            <location filename="../../gridworker/ui/widgets/sync_status.py" line="84" />
            <source>1 record could not be read</source>
            <translation>1 条记录无法读取</translation>
        </message>
        <message>
            <location filename="../../gridworker/ui/widgets/sync_status.py" line="85" />
            <source>{0} records could not be read</source>
            <translation>{0} 条记录无法读取</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="70" />
            <source>{0} refused by the server</source>
            <translation>{0} 项被服务器拒绝</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="72" />
            <source>1 conflict</source>
            <translation>1 项冲突</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/sync_status.py" line="74" />
            <source>{0} conflicts</source>
            <translation>{0} 项冲突</translation>
        </message>
    </context>
</TS>
