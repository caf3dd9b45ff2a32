<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>SyncPage</name>
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
</TS>
